-- Server notices posted by the application have no sender (StoredMessage.isNotice()).
ALTER TABLE chatroom_message ALTER COLUMN sender DROP NOT NULL;
