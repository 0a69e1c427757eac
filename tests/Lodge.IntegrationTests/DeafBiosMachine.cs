namespace Lodge.IntegrationTests;

/// <summary>A BIOS machine with nothing to boot: one CPU, 128 MiB, no network, display or audio. Its firmware never
/// answers the ACPI power button, so only a forced stop ends it.</summary>
internal static class DeafBiosMachine
{
    public static string Toml(int shutdownTimeout) => $"""
        os = "linux"
        shutdown_timeout = {shutdownTimeout}

        [cpu]
        cores = 1
        threads = 1
        pin = "none"

        [memory]
        size = "128M"
        hugepages = "off"

        [firmware]
        type = "bios"

        [network]
        mode = "none"

        [display]
        type = "none"

        [audio]
        backend = "none"
        """;
}
