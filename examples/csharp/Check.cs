// passbild from C# through P/Invoke, with SafeHandles so the native objects are always freed.
// mcs -out:Check.exe Check.cs && LD_LIBRARY_PATH=DIR mono Check.exe PROFILE PHOTO
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

static class Native
{
    const string Lib = "passbild";

    [StructLayout(LayoutKind.Sequential)]
    public struct CheckInfo
    {
        public IntPtr Id;
        public IntPtr Unit;
        public uint Status;
        public int Quality;
        public double Value;
        public double Min;
        public double Max;
    }

    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern uint passbild_checker_new(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string profile, uint threads, out CheckerHandle checker, out IntPtr error);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern void passbild_checker_free(IntPtr checker);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern uint passbild_checker_check_bytes(
        CheckerHandle checker, byte[] data, UIntPtr len, out ReportHandle report, out IntPtr error);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern uint passbild_report_verdict(ReportHandle report, out uint verdict);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern uint passbild_report_check_count(ReportHandle report, out UIntPtr count);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern uint passbild_report_check(ReportHandle report, UIntPtr index, out CheckInfo check);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern uint passbild_report_check_message(
        ReportHandle report, UIntPtr index, uint language, byte[] buffer, UIntPtr length, out UIntPtr needed);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern void passbild_report_free(IntPtr report);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern uint passbild_error_message(
        IntPtr error, byte[] buffer, UIntPtr length, out UIntPtr needed);
    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] public static extern void passbild_error_free(IntPtr error);
}

sealed class CheckerHandle : SafeHandle
{
    CheckerHandle() : base(IntPtr.Zero, true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Native.passbild_checker_free(handle); return true; }
}

sealed class ReportHandle : SafeHandle
{
    ReportHandle() : base(IntPtr.Zero, true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { Native.passbild_report_free(handle); return true; }
}

static class Program
{
    static readonly string[] Verdicts = { "pass", "fail", "not_assessed", "warn" };

    static Exception Failure(uint status, IntPtr error)
    {
        // Ask for the size first: a message may be longer than any fixed buffer.
        Native.passbild_error_message(error, null, UIntPtr.Zero, out UIntPtr needed);
        var buffer = new byte[(int)needed.ToUInt64()];
        Native.passbild_error_message(error, buffer, needed, out needed);
        Native.passbild_error_free(error);
        var length = Math.Max(0, buffer.Length - 1);
        return new InvalidOperationException($"passbild status {status}: {Encoding.UTF8.GetString(buffer, 0, length)}");
    }

    static int Main(string[] args)
    {
        var photo = File.ReadAllBytes(args[1]);
        uint status = Native.passbild_checker_new(args[0], 0, out CheckerHandle checker, out IntPtr error);
        if (status != 0) throw Failure(status, error);
        using (checker)
        {
            status = Native.passbild_checker_check_bytes(checker, photo, (UIntPtr)photo.Length, out ReportHandle report, out error);
            if (status != 0) throw Failure(status, error);
            using (report)
            {
                Native.passbild_report_verdict(report, out uint verdict);
                Native.passbild_report_check_count(report, out UIntPtr count);
                Console.WriteLine("verdict " + Verdicts[verdict]);
                for (ulong i = 0; i < count.ToUInt64(); i++)
                {
                    Native.passbild_report_check(report, (UIntPtr)i, out Native.CheckInfo check);
                    var id = Marshal.PtrToStringUTF8(check.Id);
                    Native.passbild_report_check_message(report, (UIntPtr)i, 0, null, UIntPtr.Zero, out UIntPtr needed);
                    var buffer = new byte[(int)needed.ToUInt64()];
                    Native.passbild_report_check_message(report, (UIntPtr)i, 0, buffer, needed, out needed);
                    var message = Encoding.UTF8.GetString(buffer, 0, buffer.Length - 1);
                    Console.WriteLine($"{id} {Verdicts[check.Status]} {(double.IsNaN(check.Value) ? "-" : check.Value.ToString("G6"))} {message}");
                }
                // pass (0) and warn (3) accept the photo; fail and not assessed do not.
                return verdict == 0 || verdict == 3 ? 0 : 1;
            }
        }
    }
}
