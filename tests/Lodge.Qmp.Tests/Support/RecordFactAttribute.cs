namespace Lodge.Qmp.Tests.Support;

/// <summary>A fact that only runs when <c>LODGE_RECORD_QMP=1</c>; otherwise it is reported as skipped.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RecordFactAttribute : FactAttribute
{
    public RecordFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LODGE_RECORD_QMP") != "1")
        {
            Skip = "Records QMP transcripts from real QEMU; run with LODGE_RECORD_QMP=1.";
        }
    }
}
