// The office's side of a signed check receipt, from Java through JNA (Debian: libjna-java): is this
// downloaded photo, byte for byte, the one the studio checked, and with what verdict?
// javac -cp /usr/share/java/jna.jar VerifyReceipt.java
// java -cp /usr/share/java/jna.jar:. -Djna.library.path=DIR VerifyReceipt RECEIPT PHOTO PUBLIC.pem
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;

public class VerifyReceipt {
    /** C's size_t, whatever its width on this platform. */
    public static class SizeT extends IntegerType {
        public SizeT() { this(0); }
        public SizeT(long value) { super(Native.SIZE_T_SIZE, value, true); }
    }

    public interface Passbild extends Library {
        // passbild reads and writes UTF-8; JNA's default is the platform's charset.
        Passbild INSTANCE = Native.load("passbild", Passbild.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

        int passbild_receipt_verify(byte[] receipt, SizeT receiptLen, byte[] image, SizeT imageLen,
                                    String publicKeyPem, IntByReference verdict, PointerByReference error);
        int passbild_error_message(Pointer error, Pointer buffer, SizeT length, Pointer needed);
        void passbild_error_free(Pointer error);
    }

    static final String[] VERDICTS = {"pass", "fail", "not_assessed", "warn"};

    public static void main(String[] args) throws Exception {
        Passbild lib = Passbild.INSTANCE;
        byte[] receipt = Files.readAllBytes(Paths.get(args[0]));
        byte[] photo = Files.readAllBytes(Paths.get(args[1]));
        String key = new String(Files.readAllBytes(Paths.get(args[2])), StandardCharsets.UTF_8);
        IntByReference verdict = new IntByReference();
        PointerByReference error = new PointerByReference();
        int status = lib.passbild_receipt_verify(receipt, new SizeT(receipt.length), photo, new SizeT(photo.length),
                                                 key, verdict, error);
        if (status != 0) {
            // The message's size first: it may be longer than any fixed buffer.
            Memory needed = new Memory(Native.SIZE_T_SIZE);
            lib.passbild_error_message(error.getValue(), null, new SizeT(0), needed);
            long size = Native.SIZE_T_SIZE == 8 ? needed.getLong(0) : needed.getInt(0) & 0xffffffffL;
            Memory buffer = new Memory(Math.max(1, size));
            lib.passbild_error_message(error.getValue(), buffer, new SizeT(buffer.size()), null);
            lib.passbild_error_free(error.getValue());
            // The status names what does not match: 23 malformed, 24 another key, 25 changed after
            // signing, 26 another or a changed photo, 27 not a key.
            System.out.println("invalid " + status + " " + buffer.getString(0, "UTF-8"));
            System.exit(1);
        }
        System.out.println("valid, verdict " + VERDICTS[verdict.getValue()]);
    }
}
