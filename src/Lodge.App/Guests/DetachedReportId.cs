using System.Globalization;

namespace Lodge.App.Guests;

/// <summary>How the id of a detached guest's outcome report reaches its supervisor: <c>up --detach</c> opens the report
/// while the supervisor already starts the guest (so the database write costs the user no time) and leaves the id in a
/// file of the run folder, <c>report.id</c>; the supervisor reads it when it has something to record.</summary>
public static class DetachedReportId
{
    /// <summary>The file name in the guest's run folder.</summary>
    public const string FileName = "report.id";

    private const string None = "none";

    /// <summary>Writes the id (or that there is none: the database could not be written) whole, through a rename, so a
    /// reader never sees half of it.</summary>
    public static void Write(string path, long? id)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temporary = path + ".tmp";
        // HOST EFFECT: a few bytes in the guest's run folder, removed with it.
        File.WriteAllText(temporary, (id?.ToString(CultureInfo.InvariantCulture) ?? None) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The id in <paramref name="path"/>, waiting up to <paramref name="patience"/> for <c>up</c> to write it;
    /// null when there is no report (none was opened, or <c>up</c> was stopped before it wrote the file).</summary>
    /// <remarks>Counts its own naps rather than reading a clock, so a pinned test clock cannot make it wait forever.</remarks>
    public static long? Read(string path, TimeSpan patience)
    {
        ArgumentNullException.ThrowIfNull(path);
        var nap = TimeSpan.FromMilliseconds(5);
        for (var waited = TimeSpan.Zero; ; waited += nap)
        {
            try
            {
                var text = File.ReadAllText(path).Trim();
                return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
            }
            catch (FileNotFoundException) when (waited < patience)
            {
                Thread.Sleep(nap);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
    }
}
