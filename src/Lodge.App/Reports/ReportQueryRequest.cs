namespace Lodge.App.Reports;

/// <summary>What <c>lodge report query</c> (and the dashboard's Reports page) asks: about one GPU model, or, without
/// <see cref="Gpu"/>, about each GPU of this host.</summary>
/// <param name="Gpu">vendor:device (or vendor:device:subvendor:subdevice); null: each GPU of the host below the root.</param>
/// <param name="Board">Text in the board vendor or model (only with <see cref="Gpu"/>).</param>
/// <param name="Os">The guest OS (only with <see cref="Gpu"/>).</param>
/// <param name="All">Every attempt rather than the best <see cref="Shown"/> (only with <see cref="Gpu"/>).</param>
public sealed record ReportQueryRequest(string? Gpu, string? Board = null, string? Os = null, bool All = false)
{
    /// <summary>How many attempts are listed without <see cref="All"/>.</summary>
    public const int Shown = 20;
}
