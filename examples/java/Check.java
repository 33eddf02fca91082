// passbild from Java through JNA (Debian: libjna-java).
// javac -cp /usr/share/java/jna.jar Check.java
// java -cp /usr/share/java/jna.jar:. -Djna.library.path=DIR Check PROFILE PHOTO [OVERLAY.png]
// With OVERLAY.png it also writes what the checks found, drawn on the photo, for the operator.
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;

public class Check {
    /** C's size_t, whatever its width on this platform. */
    public static class SizeT extends IntegerType {
        public SizeT() { this(0); }
        public SizeT(long value) { super(Native.SIZE_T_SIZE, value, true); }
    }

    /** A size_t out-parameter. */
    public static class SizeTByReference extends com.sun.jna.ptr.ByReference {
        public SizeTByReference() { super(Native.SIZE_T_SIZE); }
        public long getValue() {
            return Native.SIZE_T_SIZE == 8 ? getPointer().getLong(0) : getPointer().getInt(0) & 0xffffffffL;
        }
    }

    public interface Passbild extends Library {
        // passbild reads and writes UTF-8; JNA's default is the platform's charset.
        Passbild INSTANCE = Native.load("passbild", Passbild.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

        String passbild_version();
        int passbild_checker_new(String profile, int threads, PointerByReference checker, PointerByReference error);
        void passbild_checker_free(Pointer checker);
        int passbild_checker_check_bytes(Pointer checker, byte[] data, SizeT len, PointerByReference report,
                                         PointerByReference error);
        int passbild_report_verdict(Pointer report, IntByReference verdict);
        int passbild_report_check_count(Pointer report, SizeTByReference count);
        int passbild_report_check(Pointer report, SizeT index, CheckInfo check);
        int passbild_report_check_message(Pointer report, SizeT index, int language, Pointer buffer, SizeT length,
                                          SizeTByReference needed);
        void passbild_report_free(Pointer report);
        int passbild_checker_overlay(Pointer checker, byte[] data, SizeT len, Pointer report, PointerByReference png,
                                     SizeTByReference pngLen, PointerByReference error);
        void passbild_bytes_free(Pointer bytes, SizeT len);
        int passbild_error_message(Pointer error, Pointer buffer, SizeT length, SizeTByReference needed);
        void passbild_error_free(Pointer error);
    }

    @Structure.FieldOrder({"id", "unit", "status", "quality", "value", "min", "max"})
    public static class CheckInfo extends Structure {
        public String id;
        public String unit;
        public int status;
        public int quality;
        public double value;
        public double min;
        public double max;
    }

    static final String[] VERDICTS = {"pass", "fail", "not_assessed", "warn"};

    /** A text passbild copies into a buffer: its size asked for first, as a message may be long. */
    interface Copy {
        int into(Pointer buffer, SizeT length, SizeTByReference needed);
    }

    static String text(Copy copy) {
        SizeTByReference needed = new SizeTByReference();
        copy.into(null, new SizeT(0), needed);
        Memory buffer = new Memory(Math.max(1, needed.getValue()));
        int status = copy.into(buffer, new SizeT(buffer.size()), needed);
        if (status != 0) throw new IllegalStateException("passbild status " + status + " copying a text");
        return buffer.getString(0, "UTF-8");
    }

    static void fail(Passbild lib, int status, PointerByReference error) {
        String message = text((buffer, length, needed) -> lib.passbild_error_message(error.getValue(), buffer, length, needed));
        lib.passbild_error_free(error.getValue());
        throw new IllegalStateException("passbild status " + status + ": " + message);
    }

    public static void main(String[] args) throws Exception {
        Passbild lib = Passbild.INSTANCE;
        byte[] photo = Files.readAllBytes(Paths.get(args[1]));
        PointerByReference checker = new PointerByReference();
        PointerByReference error = new PointerByReference();
        int status = lib.passbild_checker_new(args[0], 0, checker, error);
        if (status != 0) fail(lib, status, error);
        boolean accepted;
        try {
            PointerByReference report = new PointerByReference();
            status = lib.passbild_checker_check_bytes(checker.getValue(), photo, new SizeT(photo.length), report, error);
            if (status != 0) fail(lib, status, error);
            try {
                IntByReference verdict = new IntByReference();
                lib.passbild_report_verdict(report.getValue(), verdict);
                SizeTByReference count = new SizeTByReference();
                lib.passbild_report_check_count(report.getValue(), count);
                System.out.println("verdict " + VERDICTS[verdict.getValue()]);
                long checks = count.getValue();
                for (long i = 0; i < checks; i++) {
                    CheckInfo check = new CheckInfo();
                    lib.passbild_report_check(report.getValue(), new SizeT(i), check);
                    check.read();
                    long index = i;
                    String message = text((buffer, length, needed) ->
                        lib.passbild_report_check_message(report.getValue(), new SizeT(index), 1, buffer, length, needed));
                    System.out.println(check.id + " " + VERDICTS[check.status] + " " + message);
                }
                if (args.length > 2) {
                    PointerByReference png = new PointerByReference();
                    SizeTByReference pngLen = new SizeTByReference();
                    status = lib.passbild_checker_overlay(checker.getValue(), photo, new SizeT(photo.length),
                                                          report.getValue(), png, pngLen, error);
                    if (status != 0) fail(lib, status, error);
                    try {
                        Files.write(Paths.get(args[2]), png.getValue().getByteArray(0, (int) pngLen.getValue()));
                    } finally {
                        lib.passbild_bytes_free(png.getValue(), new SizeT(pngLen.getValue()));
                    }
                }
                // pass (0) and warn (3) accept the photo; fail and not assessed do not.
                accepted = verdict.getValue() == 0 || verdict.getValue() == 3;
            } finally {
                lib.passbild_report_free(report.getValue());
            }
        } finally {
            lib.passbild_checker_free(checker.getValue());
        }
        System.exit(accepted ? 0 : 1);
    }
}
