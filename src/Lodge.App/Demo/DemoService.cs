using Lodge.Linux.Demo;
using Lodge.Linux.Runtime;

namespace Lodge.App.Demo;

/// <summary><c>lodge demo</c>: the packages it needs, the tiny Linux image (built once, cached), the boot with a shared
/// folder, the round trip through the guest and the ACPI shutdown. Returns data; the CLI renders it.</summary>
public sealed class DemoService
{
    /// <summary>The demo guest's machine name.</summary>
    public const string Machine = "demo";

    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(120);
    private readonly LodgeHost _lodge;

    /// <summary>The demo below <paramref name="lodge"/>'s run and state roots, with its image in <see cref="LodgePaths.DemoCache"/>.</summary>
    public DemoService(LodgeHost lodge)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
    }

    private RuntimeRoots Roots => _lodge.Paths.Roots;

    /// <summary>Installs the packages the demo needs with apt-get as root (after saying which through <paramref name="say"/>);
    /// otherwise throws naming the command to run.</summary>
    public Task EnsurePackagesAsync(string share, Action<string> say, CancellationToken cancellationToken = default) =>
        DemoPackages.EnsureAsync(DemoPackages.Missing(share, _lodge.ProgramFolders), _lodge.Privileged, _lodge.Runner, _lodge.ProgramFolders, say, cancellationToken);

    /// <summary>The demo image: from the cache, or built (each step reported to <paramref name="progress"/>).</summary>
    public Task<DemoImage> ImageAsync(IProgress<(string Step, double Fraction)>? progress, CancellationToken cancellationToken = default) =>
        DemoImage.EnsureAsync(_lodge.Paths.DemoCache, _lodge.Runner, progress, cancellationToken);

    /// <summary>Boots the demo guest from <paramref name="image"/> with a shared folder, waits for the file it writes there,
    /// and powers it off through ACPI. Cancelling stops whatever it started (QEMU, virtiofsd), then throws.</summary>
    /// <param name="image">The image <see cref="ImageAsync"/> gave.</param>
    /// <param name="imageTime">How long getting the image took (for the timings).</param>
    /// <param name="share">virtiofs or 9p.</param>
    /// <param name="forceTcg">TCG even when KVM is usable.</param>
    /// <param name="say">Hears each step before it is taken.</param>
    /// <param name="cancellationToken">Stops the demo.</param>
    public async Task<DemoResult> RunAsync(DemoImage image, TimeSpan imageTime, string share, bool forceTcg, Action<string> say, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(say);
        try
        {
            return await BootAsync(image, imageTime, share, forceTcg, say, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // StartAsync stops what it had started when cancelled; a guest that was already running is stopped here.
            if (new GuestStateStore(Roots).Read(Machine) is not null)
            {
                try
                {
                    await new GuestRuntime(Roots, _lodge.Runner).DownAsync(Machine, TimeSpan.Zero, force: true, CancellationToken.None).ConfigureAwait(false);
                }
                catch (GuestRuntimeException)
                {
                    // Already gone between the read and the stop.
                }
            }

            throw;
        }
    }

    /// <summary>Writes the demo guest's launch spec for <paramref name="image"/> to <paramref name="file"/> without booting it.</summary>
    public async Task WriteSpecAsync(DemoImage image, string file, string share, bool forceTcg, CancellationToken cancellationToken = default)
    {
        var shareDir = Path.Combine(Roots.StateDir(Machine), "share");
        Directory.CreateDirectory(shareDir);
        var spec = DemoGuest.Spec(Machine, image, Roots, shareDir, share, !forceTcg && KvmUsable());
        await File.WriteAllTextAsync(file, LaunchSpecJson.Write(spec), cancellationToken).ConfigureAwait(false);
    }

    private async Task<DemoResult> BootAsync(DemoImage image, TimeSpan imageTime, string share, bool forceTcg, Action<string> say, CancellationToken cancellationToken)
    {
        var roots = Roots;
        var time = _lodge.Time;
        var shareDir = Path.Combine(roots.StateDir(Machine), "share");
        Directory.CreateDirectory(shareDir);
        var report = Path.Combine(shareDir, $"{Machine}.txt");
        File.Delete(report);
        var nonce = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(shareDir, $"{Machine}.nonce"), nonce, cancellationToken).ConfigureAwait(false);

        var kvm = !forceTcg && KvmUsable();
        var spec = DemoGuest.Spec(Machine, image, roots, shareDir, share, kvm);
        var runtime = new GuestRuntime(roots, _lodge.Runner);
        say($"Booting '{Machine}' with {(kvm ? "KVM" : "TCG (no usable /dev/kvm)")}, sharing {shareDir} over {share}.");
        var serialLog = Path.Combine(spec.Layout.RunDir, "serial.log");
        Directory.CreateDirectory(spec.Layout.RunDir);
        File.Delete(serialLog);

        var clock = time.GetTimestamp();
        RunningGuest guest;
        try
        {
            guest = await runtime.StartAsync(spec, null, cancellationToken).ConfigureAwait(false);
        }
        catch (GuestRuntimeException e) when (kvm)
        {
            // /dev/kvm can open yet fail at vCPU set-up (nested or paravirtual KVM): fall back rather than give up.
            say($"QEMU failed with KVM, so the demo uses TCG instead: {e.Message}");
            kvm = false;
            spec = DemoGuest.Spec(Machine, image, roots, shareDir, share, kvm);
            clock = time.GetTimestamp();
            guest = await runtime.StartAsync(spec, null, cancellationToken).ConfigureAwait(false);
        }

        var qmpTime = time.GetElapsedTime(clock);
        try
        {
            var userSpace = await WaitAsync(() => File.Exists(serialLog) && File.ReadAllText(serialLog).Contains(DemoInit.UserSpaceMarker, StringComparison.Ordinal), guest, "reach user space", cancellationToken).ConfigureAwait(false);
            var written = await WaitAsync(() => File.Exists(report), guest, $"write {report}", cancellationToken).ConfigureAwait(false);
            var content = (await File.ReadAllTextAsync(report, cancellationToken).ConfigureAwait(false)).Trim();
            if (!content.Contains($"nonce={nonce}", StringComparison.Ordinal))
            {
                throw new GuestRuntimeException(Machine, $"The guest's report '{report}' does not carry the nonce the host wrote ('{nonce}'): '{content}'.");
            }

            clock = time.GetTimestamp();
            var down = await runtime.DownAsync(Machine, TimeSpan.FromSeconds(30), force: true, cancellationToken).ConfigureAwait(false);
            var exit = await guest.Exited.ConfigureAwait(false);
            var shutdown = time.GetElapsedTime(clock);
            if (down.Outcome != DownOutcome.PoweredOff || !exit.Clean)
            {
                throw new GuestRuntimeException(Machine, $"The demo guest did not power off through ACPI within 30 s ({down.Outcome}); {exit.Describe()}");
            }

            return new DemoResult(content, share, kvm, new DemoTimings(imageTime, !image.Built, qmpTime, userSpace, written - userSpace, shutdown));
        }
        finally
        {
            if (!guest.Exited.IsCompleted)
            {
                await runtime.DownAsync(Machine, TimeSpan.Zero, force: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<TimeSpan> WaitAsync(Func<bool> condition, RunningGuest guest, string what, CancellationToken cancellationToken)
    {
        var time = _lodge.Time;
        var started = guest.State.StartedAt;
        // The deadline on the clock's monotonic timestamps; the result against the guest's recorded start.
        var begun = time.GetTimestamp();
        while (!condition())
        {
            if (guest.Exited.IsCompleted)
            {
                var exit = await guest.Exited.ConfigureAwait(false);
                throw new GuestRuntimeException(Machine, $"The demo guest stopped before it could {what}: {exit.Describe()} {string.Join(" | ", exit.LogTail)}");
            }

            if (time.GetElapsedTime(begun) > BootTimeout)
            {
                throw new GuestRuntimeException(Machine, $"The demo guest did not {what} within {BootTimeout.TotalSeconds:0} s.") { Hint = $"See 'lodge logs {Machine}'." };
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        return time.GetUtcNow() - started;
    }

    private static bool KvmUsable()
    {
        try
        {
            using var kvm = new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
