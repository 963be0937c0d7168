package io.chatroom.contract;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate made at run time, so that no key is ever committed: an
 * EC P-256 key and a certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1},
 * valid from an hour ago for a day, in an in-memory PKCS#12 {@link KeyStore}.
 *
 * <p>The server side is {@link #serverContext()} (or the {@link #keyStore()} and
 * {@link #password()}, or a file from {@link #writeKeyStore}); the client side is
 * {@link #clientContext()} and {@link #httpClient()}, which trust this certificate and
 * nothing else, not even the JDK's own certificate authorities. A client built without them
 * must fail the TLS handshake.
 *
 * <p>BouncyCastle builds the certificate and the JDK's own providers do every signature and
 * handshake: no security provider is installed. Immutable and thread-safe.
 */
public final class TestCertificate {

    /** The alias of the key entry in {@link #keyStore()}. */
    public static final String ALIAS = "chat";

    private static final Duration VALID_BEFORE = Duration.ofHours(1);
    private static final Duration VALID_AFTER = Duration.ofDays(1);

    private final X509Certificate certificate;
    private final KeyStore keyStore;
    private final char[] password;
    private final SSLContext serverContext;
    private final SSLContext clientContext;
    /** Made on first use: an HttpClient starts a thread that lives as long as the client. */
    private HttpClient httpClient;

    private TestCertificate(X509Certificate certificate, KeyStore keyStore, char[] password)
            throws GeneralSecurityException {
        this.certificate = certificate;
        this.keyStore = keyStore;
        this.password = password;
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, password);
        this.serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try {
            trusted.load(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        trusted.setCertificateEntry(ALIAS, certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        this.clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);
    }

    /**
     * The certificate every test of this JVM shares, made on first use: one key pair and one
     * {@link #httpClient()} for the whole run, however many servers present it.
     */
    public static TestCertificate shared() {
        return Shared.INSTANCE;
    }

    /** A new key pair and certificate, unrelated to any other (a client trusting one does not trust another). */
    public static TestCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=localhost");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(VALID_BEFORE)), Date.from(now.plus(VALID_AFTER)),
                    subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
            }));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));

            byte[] secret = new byte[12];
            new SecureRandom().nextBytes(secret);
            char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {certificate});
            return new TestCertificate(certificate, store, password);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("could not make a test certificate: " + e, e);
        }
    }

    /** The self-signed certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The PKCS#12 key store with the key and certificate under {@link #ALIAS}, protected by {@link #password()}. */
    public KeyStore keyStore() {
        return keyStore;
    }

    /** The password of the key store and of its key entry (a copy). */
    public char[] password() {
        return password.clone();
    }

    /** A server's TLS context that presents this certificate. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /** A client's TLS context that trusts this certificate and nothing else. */
    public SSLContext clientContext() {
        return clientContext;
    }

    /**
     * The JDK HTTP client (and {@link java.net.http.WebSocket} builder) on {@link #clientContext()},
     * one per certificate: the JDK 17 client cannot be closed, and its selector thread lives as
     * long as it does.
     */
    public synchronized HttpClient httpClient() {
        if (httpClient == null) {
            httpClient = HttpClient.newBuilder()
                    .sslContext(clientContext)
                    .connectTimeout(ChatClient.DEADLINE)
                    .build();
        }
        return httpClient;
    }

    /** Writes the key store to {@code file} as PKCS#12 with {@link #password()}, as {@code keytool} would. */
    public Path writeKeyStore(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("could not write the key store: " + e, e);
        }
        return file;
    }

    @Override
    public String toString() {
        return "TestCertificate[" + certificate.getSubjectX500Principal() + ", serial "
                + certificate.getSerialNumber().toString(16) + "]";
    }

    private static final class Shared {
        static final TestCertificate INSTANCE = generate();
    }
}
