namespace Lodge.Core.Passthrough;

/// <summary>AMD GPUs that cannot reset after a guest used them, and that the vendor-reset module handles.</summary>
/// <remarks>
/// The ids are those of vendor-reset's device table (github.com/gnif/vendor-reset, src/device-db.h):
/// Polaris 10/11/12, Vega 10/20, Navi 10/12/14 and Arcturus (MI100). Navi 21 and later are not covered.
/// </remarks>
public static class AmdResetBug
{
    /// <summary>PCI vendor id of ATI/AMD graphics.</summary>
    public const ushort AtiVendorId = 0x1002;

    private static readonly Dictionary<ushort, string> Families = Build();

    /// <summary>The GPU family name (e.g. "Polaris 10") when the device has the reset bug, else null.</summary>
    public static string? Family(ushort? vendorId, ushort? deviceId) =>
        vendorId == AtiVendorId && deviceId is { } d && Families.TryGetValue(d, out var family) ? family : null;

    private static Dictionary<ushort, string> Build()
    {
        var map = new Dictionary<ushort, string>();
        void Add(string family, params ushort[] ids)
        {
            foreach (var id in ids)
            {
                map[id] = family;
            }
        }

        Add("Polaris 10", 0x67C0, 0x67C1, 0x67C2, 0x67C4, 0x67C7, 0x67C8, 0x67C9, 0x67CA, 0x67CC, 0x67CF, 0x67D0, 0x67DF, 0x6FDF);
        Add("Polaris 11", 0x67E0, 0x67E1, 0x67E3, 0x67E7, 0x67E8, 0x67E9, 0x67EB, 0x67EF, 0x67FF);
        Add("Polaris 12", 0x6980, 0x6981, 0x6985, 0x6986, 0x6987, 0x6995, 0x6997, 0x699F);
        Add("Vega 10", 0x6860, 0x6861, 0x6862, 0x6863, 0x6864, 0x6867, 0x6868, 0x6869, 0x686A, 0x686B, 0x686C, 0x686D, 0x686E, 0x686F, 0x687F);
        Add("Vega 20", 0x66A0, 0x66A1, 0x66A2, 0x66A3, 0x66A4, 0x66A7, 0x66AF);
        Add("Navi 10", 0x7310, 0x7312, 0x7318, 0x7319, 0x731A, 0x731B, 0x731E, 0x731F, 0x1681);
        Add("Navi 12", 0x7360, 0x7362);
        Add("Navi 14", 0x7340, 0x7341, 0x7347, 0x734F);
        Add("Arcturus", 0x738C);
        return map;
    }
}
