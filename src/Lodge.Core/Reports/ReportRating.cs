namespace Lodge.Core.Reports;

/// <summary>The user's verdict, added with <c>lodge report rate NAME good|bad "note"</c>.</summary>
public sealed record ReportRating(bool Good, string? Note);
