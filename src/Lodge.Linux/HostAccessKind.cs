namespace Lodge.Linux;

/// <summary>The kind of a recorded path.</summary>
public enum HostAccessKind
{
    File,
    Link,
    Directory,
    Placeholder,
}
