using Lodge.Core.Machines;
using Lodge.Core.Planning;

namespace Lodge.Core.Qemu;

/// <summary>Turns a <see cref="MachinePlan"/> into the exact QEMU argv, one partial per concern (house style §7).</summary>
/// <remarks>
/// The argv starts with <c>-nodefaults</c> so every device is one Lodge chose; <c>qemu_args</c> go last, verbatim.
/// Sockets live in the run folder: QMP at <c>qmp.sock</c>, the serial console at <c>serial.sock</c>.
/// </remarks>
public sealed partial class QemuArgvBuilder
{
    private readonly MachinePlan _plan;
    private readonly QemuArgvOptions _options;
    private readonly List<string> _args = [];

    private QemuArgvBuilder(MachinePlan plan, QemuArgvOptions options)
    {
        _plan = plan;
        _options = options;
    }

    /// <summary>The QMP socket of a plan's guest.</summary>
    public static string QmpSocketOf(MachinePlan plan) => $"{plan.Layout.RunDir}/qmp.sock";

    /// <summary>The serial console socket of a plan's guest.</summary>
    public static string SerialSocketOf(MachinePlan plan) => $"{plan.Layout.RunDir}/serial.sock";

    /// <summary>The QEMU guest agent's socket of a plan's guest (QEMU listens; the watchdog sends <c>guest-ping</c>).</summary>
    public static string AgentSocketOf(string runDir) => $"{runDir}/qga.sock";

    /// <summary>The argv for <paramref name="plan"/>; argv[0] is the QEMU binary.</summary>
    public static IReadOnlyList<string> Build(MachinePlan plan, QemuArgvOptions? options = null)
    {
        var builder = new QemuArgvBuilder(plan, options ?? new QemuArgvOptions());
        builder.AddAll();
        return builder._args;
    }

    private MachineConfig Machine => _plan.Machine;

    private bool IsWindows => Machine.Os is GuestOs.Windows10 or GuestOs.Windows11;

    private void AddAll()
    {
        _args.Add(_plan.QemuBinary);
        AddMachine();
        AddCpu();
        AddMemory();
        AddFirmware();
        AddTpm();
        AddStorage();
        AddNetwork();
        AddDisplay();
        AddPassthrough();
        AddUsb();
        AddInput();
        AddAudio();
        AddShares();
        AddMisc();
        AddQmpAndSerial();
        _args.AddRange(Machine.QemuArgs);
    }

    private void Add(string option, string value)
    {
        _args.Add(option);
        _args.Add(value);
    }

    private void AddMachine()
    {
        Add("-name", $"{Machine.Name},debug-threads=on");
        _args.Add("-nodefaults");
        _args.Add("-no-user-config");
        var machine = $"{_plan.MachineType},accel={_options.Accel},kernel_irqchip=on";
        if (_plan.Firmware.Smm)
        {
            machine += ",smm=on";
        }

        if (Machine.Os == GuestOs.MacOs)
        {
            machine += ",vmport=off";
        }

        if (NeedsSingleBackend)
        {
            machine += ",memory-backend=mem";
        }

        if (IsWindows)
        {
            // virt-manager's Windows clock: no HPET, the RTC catching up on missed ticks, the PIT delaying them.
            machine += ",hpet=off";
        }

        Add("-machine", machine);
        if (_plan.Uuid is { } uuid)
        {
            Add("-smbios", $"type=1,uuid={uuid}");
        }

        if (IsWindows)
        {
            Add("-rtc", "base=localtime,driftfix=slew");
            Add("-global", "kvm-pit.lost_tick_policy=delay");
        }
    }

    private void AddMisc()
    {
        if (_plan.Balloon)
        {
            Add("-device", $"virtio-balloon-pci,id=balloon0,{GuestPciSlots.OnRoot(GuestPciSlots.Balloon)}");
        }

        if (Machine.Os == GuestOs.MacOs)
        {
            Add("-device", $"isa-applesmc,osk={Machine.MacOs.Osk ?? OskPlaceholder}");
            Add("-smbios", "type=2");
        }
    }

    /// <summary>Written when <c>[macos] osk</c> is unset: 64 characters, as isa-applesmc demands, that macOS refuses.</summary>
    public const string OskPlaceholder = "set-the-apple-smc-key-as-osk-under-[macos]-in-the-machine-file..";

    private void AddQmpAndSerial()
    {
        Add("-qmp", $"unix:{QmpSocketOf(_plan)},server=on,wait=off");
        Add("-chardev", $"socket,id=serial0,path={SerialSocketOf(_plan)},server=on,wait=off");
        Add("-serial", "chardev:serial0");
        if (Machine.GuestAgent)
        {
            // The QEMU guest agent (qemu-ga) opens the virtio-serial port named org.qemu.guest_agent.0 in the guest; the
            // host end is a unix socket QEMU listens on (docs/interop/qemu-ga). SPICE already added the virtio-serial bus.
            if (_plan.Display.Type is not ("spice" or "looking-glass"))
            {
                Add("-device", $"virtio-serial-pci,id=vserial0,{GuestPciSlots.OnRoot(GuestPciSlots.Serial)}");
            }

            Add("-chardev", $"socket,id=qga0,path={AgentSocketOf(_plan.Layout.RunDir)},server=on,wait=off");
            Add("-device", "virtserialport,bus=vserial0.0,chardev=qga0,name=org.qemu.guest_agent.0");
        }

        Add("-display", "none");
    }
}
