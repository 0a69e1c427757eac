using System.Runtime.InteropServices;
using Lodge.Linux.Demo;
using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;
using Spectre.Console;

namespace Lodge.Cli.Demo;

/// <summary>The steps of <c>lodge demo</c>: image, boot, share round trip through the guest, ACPI shutdown, summary.</summary>
public sealed class DemoRun(CliContext context, RuntimeRoots roots, IProcessRunner runner, string cache, IReadOnlyList<string> programFolders)
{
    private const string Machine = "demo";
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs the demo; returns the exit code.</summary>
    /// <remarks>Ctrl-C (SIGINT) or SIGTERM cancels it: whatever it started (QEMU, virtiofsd) is stopped, as <c>up</c> does,
    /// and it returns <see cref="ExitCodes.Error"/> with one sentence.</remarks>
    public async Task<int> RunAsync(string share, bool forceTcg, CancellationToken cancellationToken)
    {
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Interrupt(PosixSignalContext signal)
        {
            // Keep the process alive: the cancellation runs the clean-up below instead of the runtime's default exit.
            signal.Cancel = true;
            interrupted.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        try
        {
            return await RunUntilDoneAsync(share, forceTcg, interrupted.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            // StartAsync stops what it had started when cancelled; a guest that was already running is stopped here.
            if (new GuestStateStore(roots).Read(Machine) is not null)
            {
                try
                {
                    await new GuestRuntime(roots, runner).DownAsync(Machine, TimeSpan.Zero, force: true, CancellationToken.None).ConfigureAwait(false);
                }
                catch (GuestRuntimeException)
                {
                    // Already gone between the read and the stop.
                }
            }

            context.Error.WriteLine($"Interrupted: the demo stopped '{Machine}' and its helpers.");
            return ExitCodes.Error;
        }
    }

    private async Task<int> RunUntilDoneAsync(string share, bool forceTcg, CancellationToken cancellationToken)
    {
        await DemoPackages.EnsureAsync(context, DemoPackages.Missing(share, programFolders), runner, programFolders, cancellationToken).ConfigureAwait(false);
        var clock = context.Time.GetTimestamp();
        var image = await BuildImageAsync(cancellationToken).ConfigureAwait(false);
        var imageTime = context.Time.GetElapsedTime(clock);
        context.Console.WriteLine(image.Built
            ? $"Built the demo image in {imageTime.TotalSeconds:0.0} s: kernel {image.KernelVersion} from {image.KernelSource}."
            : $"Using the cached demo image: kernel {image.KernelVersion} from {image.KernelSource}.");

        var shareDir = Path.Combine(roots.StateDir(Machine), "share");
        Directory.CreateDirectory(shareDir);
        var report = Path.Combine(shareDir, $"{Machine}.txt");
        File.Delete(report);
        var nonce = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(shareDir, $"{Machine}.nonce"), nonce, cancellationToken).ConfigureAwait(false);

        var kvm = !forceTcg && KvmUsable();
        var spec = DemoGuest.Spec(Machine, image, roots, shareDir, share, kvm);
        var runtime = new GuestRuntime(roots, runner);
        context.Console.WriteLine($"Booting '{Machine}' with {(kvm ? "KVM" : "TCG (no usable /dev/kvm)")}, sharing {shareDir} over {share}.");
        var serialLog = Path.Combine(spec.Layout.RunDir, "serial.log");
        Directory.CreateDirectory(spec.Layout.RunDir);
        File.Delete(serialLog);

        clock = context.Time.GetTimestamp();
        RunningGuest guest;
        try
        {
            guest = await runtime.StartAsync(spec, null, cancellationToken).ConfigureAwait(false);
        }
        catch (GuestRuntimeException e) when (kvm)
        {
            // /dev/kvm can open yet fail at vCPU set-up (nested or paravirtual KVM): fall back rather than give up.
            context.Console.WriteLine($"QEMU failed with KVM, so the demo uses TCG instead: {e.Message}");
            kvm = false;
            spec = DemoGuest.Spec(Machine, image, roots, shareDir, share, kvm);
            clock = context.Time.GetTimestamp();
            guest = await runtime.StartAsync(spec, null, cancellationToken).ConfigureAwait(false);
        }

        var qmpTime = context.Time.GetElapsedTime(clock);
        try
        {
            var userSpace = await WaitAsync(() => File.Exists(serialLog) && File.ReadAllText(serialLog).Contains(DemoInit.UserSpaceMarker, StringComparison.Ordinal), guest, "reach user space", cancellationToken).ConfigureAwait(false);
            var written = await WaitAsync(() => File.Exists(report), guest, $"write {report}", cancellationToken).ConfigureAwait(false);
            var content = (await File.ReadAllTextAsync(report, cancellationToken).ConfigureAwait(false)).Trim();
            if (!content.Contains($"nonce={nonce}", StringComparison.Ordinal))
            {
                throw new GuestRuntimeException(Machine, $"The guest's report '{report}' does not carry the nonce the host wrote ('{nonce}'): '{content}'.");
            }

            clock = context.Time.GetTimestamp();
            var down = await runtime.DownAsync(Machine, TimeSpan.FromSeconds(30), force: true, cancellationToken).ConfigureAwait(false);
            var exit = await guest.Exited.ConfigureAwait(false);
            var shutdown = context.Time.GetElapsedTime(clock);
            if (down.Outcome != DownOutcome.PoweredOff || !exit.Clean)
            {
                throw new GuestRuntimeException(Machine, $"The demo guest did not power off through ACPI within 30 s ({down.Outcome}); {exit.Describe()}");
            }

            var timings = new DemoTimings(imageTime, !image.Built, qmpTime, userSpace, written - userSpace, shutdown);
            Summary(content, share, kvm, timings);
            return ExitCodes.Ok;
        }
        finally
        {
            if (!guest.Exited.IsCompleted)
            {
                await runtime.DownAsync(Machine, TimeSpan.Zero, force: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Builds the image if needed and writes the demo guest's launch spec to <paramref name="file"/> without booting it.</summary>
    public async Task<int> WriteSpecAsync(string file, string share, bool forceTcg, CancellationToken cancellationToken)
    {
        var image = await BuildImageAsync(cancellationToken).ConfigureAwait(false);
        var shareDir = Path.Combine(roots.StateDir(Machine), "share");
        Directory.CreateDirectory(shareDir);
        var spec = DemoGuest.Spec(Machine, image, roots, shareDir, share, !forceTcg && KvmUsable());
        await File.WriteAllTextAsync(file, LaunchSpecJson.Write(spec), cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private async Task<DemoImage> BuildImageAsync(CancellationToken cancellationToken)
    {
        if (!context.Console.Profile.Capabilities.Interactive)
        {
            return await DemoImage.EnsureAsync(cache, runner, new Progress<(string Step, double Fraction)>(p => context.Console.WriteLine($"  {p.Step}")), cancellationToken).ConfigureAwait(false);
        }

        DemoImage? image = null;
        await context.Console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Demo image", maxValue: 1.0);
            image = await DemoImage.EnsureAsync(cache, runner, new Progress<(string Step, double Fraction)>(p =>
            {
                task.Description = Markup.Escape(p.Step);
                task.Value = p.Fraction;
            }), cancellationToken).ConfigureAwait(false);
            task.Value = 1.0;
        }).ConfigureAwait(false);
        return image!;
    }

    private async Task<TimeSpan> WaitAsync(Func<bool> condition, RunningGuest guest, string what, CancellationToken cancellationToken)
    {
        var started = guest.State.StartedAt;
        // The deadline on the clock's monotonic timestamps; the result against the guest's recorded start.
        var begun = context.Time.GetTimestamp();
        while (!condition())
        {
            if (guest.Exited.IsCompleted)
            {
                var exit = await guest.Exited.ConfigureAwait(false);
                throw new GuestRuntimeException(Machine, $"The demo guest stopped before it could {what}: {exit.Describe()} {string.Join(" | ", exit.LogTail)}");
            }

            if (context.Time.GetElapsedTime(begun) > BootTimeout)
            {
                throw new GuestRuntimeException(Machine, $"The demo guest did not {what} within {BootTimeout.TotalSeconds:0} s.") { Hint = $"See 'lodge logs {Machine}'." };
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        return context.Time.GetUtcNow() - started;
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

    private void Summary(string content, string share, bool kvm, DemoTimings t)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("Step", "Time");
        table.AddRow(t.ImageCached ? "image (cached)" : "image build", Seconds(t.ImageBuild));
        table.AddRow("QEMU start to QMP", Seconds(t.QemuToQmp));
        table.AddRow($"boot to user space ({(kvm ? "KVM" : "TCG")})", Seconds(t.BootToUserSpace));
        table.AddRow($"share round trip ({share})", Seconds(t.ShareRoundTrip));
        table.AddRow("ACPI shutdown", Seconds(t.Shutdown));
        context.Console.Write(table);
        context.Console.WriteLine($"The guest wrote: {content}");
        context.Console.WriteLine("Demo passed: the guest booted, used the shared folder and powered off through ACPI.");
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.00} s";
}
