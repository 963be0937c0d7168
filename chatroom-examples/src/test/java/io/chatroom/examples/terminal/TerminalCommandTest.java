package io.chatroom.examples.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.chatroom.examples.terminal.TerminalCommand.Blank;
import io.chatroom.examples.terminal.TerminalCommand.Chat;
import io.chatroom.examples.terminal.TerminalCommand.Invalid;
import io.chatroom.examples.terminal.TerminalCommand.Presence;
import io.chatroom.examples.terminal.TerminalCommand.Private;
import io.chatroom.examples.terminal.TerminalCommand.Quit;
import io.chatroom.examples.terminal.TerminalCommand.Who;
import org.junit.jupiter.api.Test;

/** Input lines are read as the server reads text mode (PROTOCOL section 3). */
class TerminalCommandTest {

    @Test
    void aLineIsAChatMessageAndDoubleSlashEscapesTheSlash() {
        assertEquals(new Chat("hello /there"), TerminalCommand.parse("hello /there"));
        assertEquals(new Chat("/shrug"), TerminalCommand.parse("//shrug"));
        assertEquals(new Blank(), TerminalCommand.parse("   "));
    }

    @Test
    void msgTakesOneWordOrAQuotedNameWithSpaces() {
        assertEquals(new Private("Bob", "see you at 5"), TerminalCommand.parse("/msg Bob see you at 5"));
        assertEquals(new Private("Mary Ann", "hi"), TerminalCommand.parse("/msg \"Mary Ann\"   hi"));
        assertEquals(new Private("Bob", "tab"), TerminalCommand.parse("/MSG\tBob\ttab"));
    }

    @Test
    void msgWithoutTextOrWithAnUnclosedQuoteIsALocalError() {
        assertEquals(new Invalid(TerminalCommand.MSG_USAGE), TerminalCommand.parse("/msg Bob"));
        assertEquals(new Invalid(TerminalCommand.MSG_USAGE), TerminalCommand.parse("/msg \"Mary Ann hi"));
        assertEquals(new Invalid(TerminalCommand.MSG_USAGE), TerminalCommand.parse("/msg"));
    }

    @Test
    void theOtherCommandsAndAnUnknownOne() {
        assertInstanceOf(Who.class, TerminalCommand.parse("/who"));
        assertEquals(new Presence("away"), TerminalCommand.parse("/away"));
        assertEquals(new Presence("online"), TerminalCommand.parse("/back"));
        assertInstanceOf(Quit.class, TerminalCommand.parse("/quit"));
        assertEquals(new Invalid("unknown command /dance"), TerminalCommand.parse("/dance all night"));
    }
}
