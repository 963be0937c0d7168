package io.chatroom.examples;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The example server's TLS key and certificate: a PKCS#12 key store ({@code --tls-keystore})
 * and the file that holds its password ({@code --tls-password-file}), loaded before anything
 * starts. Every problem is an {@link IllegalArgumentException} whose one-line message starts
 * with the flag to fix.
 */
final class TlsKeyStore {

    /** The longest password file read: a password, not whatever file was named by mistake. */
    static final int MAX_PASSWORD_BYTES = 4096;
    /** The longest key store read: a key and its chain take a few KiB. */
    static final int MAX_KEY_STORE_BYTES = 1024 * 1024;

    private TlsKeyStore() {
    }

    /**
     * The key managers for the key store at {@code keyStore}, whose password (and its key's)
     * is the content of {@code passwordFile} without trailing line breaks.
     *
     * @throws IllegalArgumentException naming the flag, when a file cannot be read, the password
     *                                  is wrong, or the key store holds no usable key
     */
    static KeyManagerFactory load(Path keyStore, Path passwordFile) {
        char[] password = readPassword(passwordFile);
        try {
            byte[] bytes = readKeyStore(keyStore);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(new ByteArrayInputStream(bytes), password);
            } catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException) {
                    throw new IllegalArgumentException("--tls-keystore: wrong password for " + keyStore
                            + " (the password is the content of --tls-password-file)", e);
                }
                throw new IllegalArgumentException("--tls-keystore: " + keyStore + " is not a PKCS#12 key store", e);
            }
            if (!hasPrivateKey(store)) {
                throw new IllegalArgumentException("--tls-keystore: " + keyStore
                        + " holds no private key and certificate (make one with keytool -genkeypair)");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            try {
                keys.init(store, password);
            } catch (UnrecoverableKeyException e) {
                throw new IllegalArgumentException("--tls-keystore: the key in " + keyStore
                        + " has a password other than the key store's; give both the same password", e);
            }
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-keystore: cannot use " + keyStore + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** A TLS server context with these keys, for the transports that take the JDK's {@link SSLContext}. */
    static SSLContext sslContext(KeyManagerFactory keys) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS: " + e, e);
        }
    }

    private static byte[] readKeyStore(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_KEY_STORE_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-keystore: cannot read " + file + ": " + problem(e), e);
        }
        if (bytes.length > MAX_KEY_STORE_BYTES) {
            throw new IllegalArgumentException("--tls-keystore: " + file + " is longer than " + MAX_KEY_STORE_BYTES
                    + " bytes, too long for a key store");
        }
        return bytes;
    }

    private static char[] readPassword(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_PASSWORD_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-password-file: cannot read " + file + ": " + problem(e), e);
        }
        if (bytes.length > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("--tls-password-file: " + file + " is longer than " + MAX_PASSWORD_BYTES
                    + " bytes; it should hold only the key store's password");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("--tls-password-file: " + file + " is not UTF-8 text", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end).toCharArray();
    }

    private static boolean hasPrivateKey(KeyStore store) throws KeyStoreException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getCertificate(alias) != null) {
                return true;
            }
        }
        return false;
    }

    /** What went wrong reading a file, in a few words. */
    private static String problem(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return ChatServer.problem(e);
    }
}
