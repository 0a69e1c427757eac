namespace Lodge.Core.Runtime;

/// <summary>A disk image to create when missing: <c>qemu-img create -f Format Path SizeBytes</c>.</summary>
public sealed record DiskCreation(string Path, string Format, long SizeBytes);
