using System.Diagnostics;
using Lodge.Linux.Host;
using Tmds.DBus.Protocol;

namespace Lodge.Linux.Tests.Host;

/// <summary>The display manager is stopped and started through systemd's D-Bus API; a real dbus-daemon carries the calls
/// to a stand-in org.freedesktop.systemd1 that keeps the unit's ActiveState the way systemd does.</summary>
public sealed class SystemdDisplayManagerControlSpecs : IAsyncLifetime
{
    private Process? _daemon;
    private string _address = "";
    private DBusConnection? _systemd;
    private readonly FakeSystemd _fake = new();

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dbus-daemon") { RedirectStandardOutput = true };
        foreach (var a in new[] { "--session", "--nofork", "--print-address=1" })
        {
            start.ArgumentList.Add(a);
        }

        _daemon = Process.Start(start) ?? throw new InvalidOperationException("dbus-daemon did not start; install the dbus package.");
        _address = (await _daemon.StandardOutput.ReadLineAsync())!.Trim();
        _systemd = new DBusConnection(_address);
        await _systemd.ConnectAsync();
        _systemd.AddMethodHandler(_fake);
        await _systemd.RequestNameAsync("org.freedesktop.systemd1", RequestNameOptions.Default);
    }

    public Task DisposeAsync()
    {
        _systemd?.Dispose();
        _daemon?.Kill();
        _daemon?.Dispose();
        return Task.CompletedTask;
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_stop_and_start_the_display_manager_and_each_call_waits_for_its_job()
    {
        // Arrange
        var control = new SystemdDisplayManagerControl(_address);

        // Act
        await control.StopDisplayManagerAsync(TimeSpan.FromSeconds(5));
        var afterStop = _fake.State;
        await control.StartDisplayManagerAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.Equal("inactive", afterStop);
        Assert.Equal("active", _fake.State);
        Assert.Equal(["StopUnit display-manager.service replace", "StartUnit display-manager.service replace"], _fake.Calls);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_stop_a_display_manager_whose_job_never_ends_and_get_a_timeout()
    {
        // Arrange
        _fake.Stuck = true;
        var control = new SystemdDisplayManagerControl(_address);

        // Act
        var e = await Assert.ThrowsAsync<HostWriteTimeoutException>(() => control.StopDisplayManagerAsync(TimeSpan.FromMilliseconds(700)));

        // Assert
        Assert.Equal(HostAction.StopDisplayManager, e.Action);
    }

    /// <summary>org.freedesktop.systemd1 with one unit: StopUnit/StartUnit move it (after a short "deactivating"), GetUnit and Properties.Get read it.</summary>
    private sealed class FakeSystemd : IPathMethodHandler
    {
        private const string UnitPath = "/org/freedesktop/systemd1/unit/display_2dmanager_2eservice";
        private int _polls;
        private string _target = "active";

        public string State { get; private set; } = "active";

        public bool Stuck { get; set; }

        public List<string> Calls { get; } = [];

        public string Path => "/org/freedesktop/systemd1";

        public bool HandlesChildPaths => true;

        public ValueTask HandleMethodAsync(MethodContext context)
        {
            var request = context.Request;
            var reader = request.GetBodyReader();
            switch (request.MemberAsString)
            {
                case "StopUnit" or "StartUnit":
                    var unit = reader.ReadString();
                    var mode = reader.ReadString();
                    Calls.Add($"{request.MemberAsString} {unit} {mode}");
                    _target = request.MemberAsString == "StopUnit" ? "inactive" : "active";
                    State = _target == "inactive" ? "deactivating" : "activating";
                    _polls = 0;
                    ReplyPath(context, "/org/freedesktop/systemd1/job/1");
                    break;
                case "GetUnit":
                    ReplyPath(context, UnitPath);
                    break;
                case "Get":
                    if (!Stuck && ++_polls >= 2)
                    {
                        State = _target;
                    }

                    using (var writer = context.CreateReplyWriter("v"))
                    {
                        writer.WriteVariantString(State);
                        context.Reply(writer.CreateMessage());
                    }

                    break;
                default:
                    context.ReplyUnknownMethodError();
                    break;
            }

            return ValueTask.CompletedTask;
        }

        private static void ReplyPath(MethodContext context, string path)
        {
            using var writer = context.CreateReplyWriter("o");
            writer.WriteObjectPath(path);
            context.Reply(writer.CreateMessage());
        }
    }
}
