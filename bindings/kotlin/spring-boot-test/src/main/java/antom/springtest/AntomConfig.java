package antom.springtest;

import antom.core.AntomException;
import antom.core.Client;
import antom.core.PublicKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The antom-core client, built once at start-up. A notification endpoint needs no private key:
 * a verify-only client (your client id and Antom's public key) is enough.
 */
@Configuration
public class AntomConfig {
    /** Verify-only: Spring closes it (it is {@code AutoCloseable}) at shutdown. */
    @Bean
    public Client antom(@Value("${antom.client-id}") String clientId,
                        @Value("${antom.public-key-file}") Path antomPublicKeyFile) throws IOException, AntomException {
        return new Client(clientId, new PublicKey(Files.readString(antomPublicKeyFile)));
    }
}
