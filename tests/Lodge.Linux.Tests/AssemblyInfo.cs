// These tests build host trees with Unix modes and run shell scripts: Linux only, like Lodge.Linux itself.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
