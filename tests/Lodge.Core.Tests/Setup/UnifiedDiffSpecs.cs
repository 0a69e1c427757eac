using Lodge.Core.Setup;

namespace Lodge.Core.Tests.Setup;

public sealed class UnifiedDiffSpecs
{
    [Fact]
    public void A_changed_line_gets_three_lines_of_context_like_diff_u()
    {
        // Act
        var diff = UnifiedDiff.Create("/etc/x", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n");

        // Assert
        Assert.Equal("--- a/etc/x\n+++ b/etc/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n", diff);
    }

    [Fact]
    public void Distant_changes_make_two_hunks_and_close_ones_share_one()
    {
        // Arrange
        var before = string.Concat(Enumerable.Range(1, 20).Select(i => $"{i}\n"));
        var after = string.Concat(Enumerable.Range(1, 20).Select(i => i switch { 2 => "two\n", 19 => "nineteen\n", _ => $"{i}\n" }));

        // Act
        var diff = UnifiedDiff.Create("/f", before, after);

        // Assert
        Assert.Equal(2, diff.Split('\n').Count(l => l.StartsWith("@@", StringComparison.Ordinal)));
        Assert.Contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n", diff, StringComparison.Ordinal);
        Assert.Contains("@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_file_and_a_deleted_file_use_dev_null()
    {
        // Act
        var created = UnifiedDiff.Create("/etc/new", null, "a\nb\n");
        var deleted = UnifiedDiff.Create("/etc/old", "a\n", null);

        // Assert
        Assert.Equal("--- /dev/null\n+++ b/etc/new\n@@ -0,0 +1,2 @@\n+a\n+b\n", created);
        Assert.Equal("--- a/etc/old\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n", deleted);
    }

    [Fact]
    public void A_last_line_without_a_newline_is_marked()
    {
        // Act
        var diff = UnifiedDiff.Create("/f", "a\nb", "a\nb\nc\n");

        // Assert
        Assert.Equal("--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n", diff);
    }

    [Fact]
    public void Equal_texts_give_no_diff()
    {
        Assert.Equal("", UnifiedDiff.Create("/f", "same\n", "same\n"));
    }
}
