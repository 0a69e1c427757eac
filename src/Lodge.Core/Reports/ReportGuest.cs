namespace Lodge.Core.Reports;

/// <summary>The guest's OS and the configuration features it used (gpu-mode, rom, reset-method, hugepages, pinning,
/// audio-backend, share-protocol, input-mode), as feature → value.</summary>
public sealed record ReportGuest(string Os, IReadOnlyDictionary<string, string> Features);
