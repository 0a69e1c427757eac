namespace Lodge.Core.Catalog;

/// <summary>The README.md written into a new catalog.</summary>
public static class CatalogReadme
{
    /// <summary>The text.</summary>
    public const string Text = """
        # Lodge outcome catalog

        What worked, and what did not, when people passed devices through to QEMU/KVM guests with
        [Lodge](https://lodge.invalid). One JSON file per attempt, in the Lodge report schema (version 1), under
        `gpu/VVVV-DDDD/<id>.json` where VVVV-DDDD is the GPU's PCI vendor and device id and `<id>` is the SHA-256 of
        the file's content (the same report published twice is one file). `index.json` counts the reports per GPU,
        board, guest OS and outcome; `lodge report publish` regenerates it.

        Reports are privacy-filtered before they leave a machine: no serial numbers, UUIDs, MAC or IP addresses,
        host names, user names, home paths or machine names; dates only.

        - Add yours: `lodge report publish --catalog URL`
        - Use them: `lodge report pull --catalog URL`, then `lodge doctor` or `lodge report query --gpu VVVV:DDDD`
        - Browse them: `lodge report site --catalog DIR -o site/` writes static HTML for any web server.

        """;
}
