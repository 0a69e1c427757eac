using Lodge.Core.Passthrough;
using Tomlyn.Parsing;

namespace Lodge.Core.Machines;

/// <summary>Reads a machine's TOML text into a <see cref="MachineConfig"/>, collecting every syntax and schema problem.</summary>
/// <remarks>Pure: the shell reads the file and passes its text. Never throws on bad input.</remarks>
public static class MachineParser
{
    public static readonly string[] OsNames = ["windows11", "windows10", "macos", "linux", "other"];
    public static readonly string[] FirmwareNames = ["uefi", "uefi-secure", "bios"];
    public static readonly string[] GpuModeNames = ["dedicated", "handoff", "gvt-g", "virtio", "none"];

    private static readonly string[] HugePageNames = ["auto", "off", "2M", "1G"];
    private static readonly string[] BusNames = ["virtio", "scsi", "nvme", "sata"];
    private static readonly string[] DisplayNames = ["none", "spice", "vnc", "looking-glass"];
    private static readonly string[] BackendNames = ["auto", "pipewire", "pulseaudio", "jack", "none"];
    private static readonly string[] AudioDeviceNames = ["hda", "usb", "gpu-hdmi"];
    private static readonly string[] ProtocolNames = ["auto", "virtiofs", "9p", "smb"];

    // QEMU's input-linux grab-toggle values (qapi/common.json, GrabToggleKeys).
    private static readonly string[] ToggleNames = ["ctrl-ctrl", "alt-alt", "shift-shift", "meta-meta", "scrolllock", "ctrl-scrolllock"];

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> is how problems name the file.</summary>
    public static MachineParseResult Parse(string text, string file, string name)
    {
        var problems = new List<Problem>();
        Tomlyn.Syntax.DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, file, validate: true);
        }
        catch (Tomlyn.TomlException)
        {
            // Tomlyn refuses values nested deeper than 64 levels by throwing; only this file is affected.
            return Unreadable(file, name, $"'{file}' nests arrays or tables deeper than 64 levels, which no machine needs.", "Flatten the nested values; a machine file needs at most a few levels.");
        }

        var entries = new TomlEntries(file, problems);
        foreach (var diagnostic in document.Diagnostics)
        {
            var at = new SourceLocation(file, Math.Max(diagnostic.Span.Start.Line, 0) + 1, Math.Max(diagnostic.Span.Start.Column, 0) + 1);
            var severity = diagnostic.Kind == Tomlyn.Syntax.DiagnosticMessageKind.Error ? Severity.Error : Severity.Warning;
            problems.Add(new Problem(severity, "toml-syntax", Sentence(diagnostic.Message), "Correct the TOML at this place (https://toml.io/en/v1.0.0).", at));
        }

        entries.Read(document);
        var values = new TomlValues(entries.Entries, problems);
        values.ReportUnknownKeys();

        var machine = new MachineConfig(name, file)
        {
            Os = (GuestOs)Array.IndexOf(OsNames, values.Choice("os", OsNames, "other")),
            MachineType = values.String("machine"),
            QemuArgs = values.StringArray("qemu_args") ?? [],
            Cpu = new CpuConfig(values.Int("cpu.cores", 1, 1024), values.Int("cpu.threads", 1, 8) ?? 2, ReadPin(values), values.Bool("cpu.isolate") ?? false),
            Memory = new MemoryConfig(values.Size("memory.size") ?? 8L << 30, values.Choice("memory.hugepages", HugePageNames, "auto")),
            Firmware = new FirmwareConfig((FirmwareType)Array.IndexOf(FirmwareNames, values.Choice("firmware.type", FirmwareNames, "uefi")), values.Bool("firmware.tpm") ?? false),
            Disks = [.. Enumerable.Range(0, entries.CountOf("disk")).Select(i => ReadDisk(values, i, problems, entries))],
            Network = new NetworkConfig(ReadNetwork(values)),
            Display = new DisplayConfig(values.Choice("display.type", DisplayNames, "spice"), ReadResolution(values)),
            Gpu = entries.Locations.ContainsKey("gpu")
                ? new GpuConfig(values.String("gpu.device") ?? "auto", (GpuMode)Array.IndexOf(GpuModeNames, values.Choice("gpu.mode", GpuModeNames, "dedicated")), values.String("gpu.rom") ?? "auto") { UnloadAmdgpu = values.Bool("gpu.unload_amdgpu") ?? false }
                : null,
            Usb = [.. Enumerable.Range(0, entries.CountOf("usb")).Select(i => ReadUsb(values, i, problems, entries))],
            Input = ReadInput(values),
            Audio = new AudioConfig(values.Choice("audio.backend", BackendNames, "auto"), values.Choice("audio.device", AudioDeviceNames, "hda")),
            Shares = [.. Enumerable.Range(0, entries.CountOf("share")).Select(i => ReadShare(values, i, problems, entries))],
            MacOs = new MacOsConfig(values.String("macos.opencore"), values.String("macos.osk")),
            Health = new HealthConfig(values.StringArray("health.command") is { Count: > 0 } command ? command : null, values.Int("health.within", 5, 3600) ?? 120),
            GuestAgent = values.Bool("guest.agent") ?? false,
            ShutdownTimeoutSeconds = values.Int("shutdown_timeout", 10, 86400) ?? MachineConfig.DefaultShutdownTimeoutSeconds,
            Locations = entries.Locations,
        };
        return new MachineParseResult(machine, problems);
    }

    /// <summary>A machine whose file could not be read at all (too large, too deep): defaults, and one error naming the file.</summary>
    public static MachineParseResult Unreadable(string file, string name, string message, string hint) =>
        new(new MachineConfig(name, file), [new Problem(Severity.Error, "unreadable-file", message, hint, new SourceLocation(file, 1, 1))]);

    /// <summary>The canonical TOML word for an OS (<c>windows11</c>, <c>macos</c>, ...).</summary>
    public static string NameOf(GuestOs os) => OsNames[(int)os];

    private static string ReadPin(TomlValues values)
    {
        var pin = values.String("cpu.pin");
        if (pin is null or "auto" or "none" || CpuList.TryParse(pin, out _))
        {
            return pin ?? "auto";
        }

        values.Report("cpu.pin", "bad-cpu-list", $"'{pin}' is not \"auto\", \"none\" or a host CPU list.", "Write a list of host CPUs such as \"4-11,16-23\".");
        return "auto";
    }

    private static NetworkMode ReadNetwork(TomlValues values)
    {
        var mode = values.String("network.mode");
        if (mode is null)
        {
            return NetworkMode.User;
        }

        if (NetworkMode.Parse(mode) is { } parsed)
        {
            return parsed;
        }

        values.Report("network.mode", "bad-value", $"'{mode}' is not a network mode.", "Use \"user\", \"none\", \"bridge:BRIDGE\" or \"tap:TAP\".");
        return NetworkMode.User;
    }

    private static DiskConfig ReadDisk(TomlValues values, int i, List<Problem> problems, TomlEntries entries)
    {
        var prefix = $"disk[{i}].";
        var disk = new DiskConfig(values.String(prefix + "path"), values.Size(prefix + "size"), values.Choice(prefix + "bus", BusNames, "virtio"), values.String(prefix + "cdrom"), values.Bool(prefix + "passthrough") ?? false);
        if ((disk.Path is null) == (disk.Cdrom is null) && !values.Has(prefix + "path") && !values.Has(prefix + "cdrom"))
        {
            problems.Add(new Problem(Severity.Error, "disk-empty", "This disk has neither 'path' nor 'cdrom'.", "Add path = \"system.qcow2\" for an image or cdrom = \"/path/to.iso\" for an ISO.", entries.Locations[$"disk[{i}]"]));
        }
        else if (values.Has(prefix + "path") && values.Has(prefix + "cdrom"))
        {
            problems.Add(new Problem(Severity.Error, "disk-both", "This disk has both 'path' and 'cdrom'.", "Split it into two [[disk]] tables.", entries.Locations[$"disk[{i}]"]));
        }

        return disk;
    }

    private static UsbConfig ReadUsb(TomlValues values, int i, List<Problem> problems, TomlEntries entries)
    {
        var usb = new UsbConfig(values.String($"usb[{i}].device"), values.String($"usb[{i}].controller"), values.Bool($"usb[{i}].host_keyboard") ?? false);
        if (!values.Has($"usb[{i}].device") && !values.Has($"usb[{i}].controller"))
        {
            problems.Add(new Problem(Severity.Error, "usb-empty", "This USB entry has neither 'device' nor 'controller'.", "Add device = \"vendor:product\" or controller = \"0000:0a:00.3\".", entries.Locations[$"usb[{i}]"]));
        }

        return usb;
    }

    private static ShareConfig ReadShare(TomlValues values, int i, List<Problem> problems, TomlEntries entries)
    {
        var host = values.String($"share[{i}].host");
        if (host is null && !values.Has($"share[{i}].host"))
        {
            problems.Add(new Problem(Severity.Error, "share-no-host", "This share has no 'host' folder.", "Add host = \"/path/to/folder\".", entries.Locations[$"share[{i}]"]));
        }

        var tag = values.String($"share[{i}].tag") ?? $"share{i}";
        return new ShareConfig(host ?? "", tag, values.Choice($"share[{i}].protocol", ProtocolNames, "auto"), values.Bool($"share[{i}].create") ?? false);
    }

    private static string ReadResolution(TomlValues values)
    {
        var text = values.String("display.resolution");
        if (text is null)
        {
            return "1920x1080";
        }

        if (new DisplayConfig("spice", text).Size is null)
        {
            values.Report("display.resolution", "bad-resolution", $"'{text}' is not a screen size.", "Write WIDTHxHEIGHT, such as \"2560x1440\".");
            return "1920x1080";
        }

        return text;
    }

    private static InputConfig ReadInput(TomlValues values)
    {
        var paths = values.StringArray("input.evdev", allowString: true);
        var evdev = paths is not null ? "list" : values.Has("input.evdev") ? values.Choice("input.evdev", ["auto", "none"], "auto") : "auto";
        return new InputConfig(evdev, paths, values.Choice("input.toggle", ToggleNames, "ctrl-ctrl"));
    }

    private static string Sentence(string message)
    {
        var text = message.Trim();
        text = text.Length == 0 ? "The TOML is malformed" : char.ToUpperInvariant(text[0]) + text[1..];
        return text.EndsWith('.') ? text : text + ".";
    }
}
