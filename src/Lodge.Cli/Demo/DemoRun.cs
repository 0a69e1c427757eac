using System.Runtime.InteropServices;
using Lodge.App.Demo;
using Lodge.Linux.Demo;
using Spectre.Console;

namespace Lodge.Cli.Demo;

/// <summary>The rendering of <c>lodge demo</c> (<see cref="DemoService"/> does the work): the image build's progress, each
/// step as it comes, Ctrl-C, the timings.</summary>
public sealed class DemoRun(CliContext context, DemoService demo)
{
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
            await demo.EnsurePackagesAsync(share, context.Console.WriteLine, interrupted.Token).ConfigureAwait(false);
            var clock = context.Time.GetTimestamp();
            var image = await BuildImageAsync(interrupted.Token).ConfigureAwait(false);
            var imageTime = context.Time.GetElapsedTime(clock);
            context.Console.WriteLine(image.Built
                ? $"Built the demo image in {imageTime.TotalSeconds:0.0} s: kernel {image.KernelVersion} from {image.KernelSource}."
                : $"Using the cached demo image: kernel {image.KernelVersion} from {image.KernelSource}.");
            var result = await demo.RunAsync(image, imageTime, share, forceTcg, context.Console.WriteLine, interrupted.Token).ConfigureAwait(false);
            Summary(result);
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            context.Error.WriteLine($"Interrupted: the demo stopped '{DemoService.Machine}' and its helpers.");
            return ExitCodes.Error;
        }
    }

    /// <summary>Builds the image if needed and writes the demo guest's launch spec to <paramref name="file"/> without booting it.</summary>
    public async Task<int> WriteSpecAsync(string file, string share, bool forceTcg, CancellationToken cancellationToken)
    {
        var image = await BuildImageAsync(cancellationToken).ConfigureAwait(false);
        await demo.WriteSpecAsync(image, file, share, forceTcg, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private async Task<DemoImage> BuildImageAsync(CancellationToken cancellationToken)
    {
        if (!context.Console.Profile.Capabilities.Interactive)
        {
            return await demo.ImageAsync(new Progress<(string Step, double Fraction)>(p => context.Console.WriteLine($"  {p.Step}")), cancellationToken).ConfigureAwait(false);
        }

        DemoImage? image = null;
        await context.Console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Demo image", maxValue: 1.0);
            image = await demo.ImageAsync(new Progress<(string Step, double Fraction)>(p =>
            {
                task.Description = Markup.Escape(p.Step);
                task.Value = p.Fraction;
            }), cancellationToken).ConfigureAwait(false);
            task.Value = 1.0;
        }).ConfigureAwait(false);
        return image!;
    }

    private void Summary(DemoResult result)
    {
        var t = result.Timings;
        var table = new Table().Border(TableBorder.Simple).AddColumns("Step", "Time");
        table.AddRow(t.ImageCached ? "image (cached)" : "image build", Seconds(t.ImageBuild));
        table.AddRow("QEMU start to QMP", Seconds(t.QemuToQmp));
        table.AddRow($"boot to user space ({(result.Kvm ? "KVM" : "TCG")})", Seconds(t.BootToUserSpace));
        table.AddRow($"share round trip ({result.Share})", Seconds(t.ShareRoundTrip));
        table.AddRow("ACPI shutdown", Seconds(t.Shutdown));
        context.Console.Write(table);
        context.Console.WriteLine($"The guest wrote: {result.Content}");
        context.Console.WriteLine("Demo passed: the guest booted, used the shared folder and powered off through ACPI.");
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.00} s";
}
