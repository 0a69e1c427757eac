namespace Lodge.Qmp.Protocol;

/// <summary>The QEMU version from the QMP greeting, such as 7.2.22 with package "Debian 1:7.2+dfsg-7+deb12u18+b3".</summary>
public sealed record QmpVersion(int Major, int Minor, int Micro, string Package)
{
    /// <summary>Prints <c>major.minor.micro</c>, such as <c>7.2.22</c>.</summary>
    public override string ToString() => $"{Major}.{Minor}.{Micro}";
}
