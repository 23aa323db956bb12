// A load-and-sign check of the packaged jar on another architecture (run by
// `make test-jvm-aarch64` under qemu-user): loads the native library from the jar through JNA,
// parses the throw-away merchant key, signs one content and compares the signature with the
// conformance vector's (made by OpenSSL, not by antom-core), then verifies it.
//   java -cp antom-core.jar:jna.jar:kotlin-stdlib.jar LoadAndSign.java KEY_FILE CONTENT_FILE EXPECTED
import antom.core.PrivateKey;
import com.sun.jna.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class LoadAndSign {
    public static void main(String[] args) throws Exception {
        PrivateKey key = new PrivateKey(Files.readString(Path.of(args[0])));
        String content = new String(Files.readAllBytes(Path.of(args[1])), StandardCharsets.UTF_8);
        String signature = key.sign(content);
        if (!signature.equals(args[2].trim())) {
            throw new AssertionError("signature differs from the conformance vector");
        }
        if (!key.publicKey().verify(content, signature)) {
            throw new AssertionError("the signature does not verify");
        }
        System.out.println("load-and-sign ok on " + Platform.RESOURCE_PREFIX + " ("
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version") + ")");
    }
}
