using Dupr.Benchmarks.Synthetic;
using Dupr.Tests;

namespace Dupr.Cli.Tests;

/// <summary>
/// `dupr pretrain` on a folder holding a PNG whose header claims 60000x60000 pixels: it killed the process with SIGSEGV
/// (30000x30000: an unhandled ArgumentOutOfRangeException), even with --skip-bad.
/// </summary>
public sealed class PretrainBadImageTests : IDisposable
{
    readonly TempDirectory _temp = TestPaths.Temp();
    readonly string _images, _bomb;

    public PretrainBadImageTests()
    {
        SyntheticWorld.Generate(new SyntheticWorldOptions { Train = 1, Val = 1, Unlabeled = 3, Size = 64 }, _temp.File("shapes"));
        _images = Path.Combine(_temp.File("shapes"), "unlabeled");
        _bomb = Path.Combine(_images, "bomb.png");
        File.WriteAllBytes(_bomb, ClaimedSizePng.Bytes(60000, 60000));
    }

    public void Dispose() => _temp.Dispose();

    // Two steps of one batch of the four images (every batch holds the bomb) on a narrow ResNet-18.
    string[] Pretrain(params string[] extra) =>
    [
        "pretrain", "--config", Path.Combine(TestPaths.RepoRoot, "configs", "pretrain", "dupr_r18_mini.json"), "--data", _images,
        "--output", _temp.File($"run-{Guid.NewGuid():N}"), "--threads", "1",
        "--set", "model.width=8", "--set", "train.batch_size=4", "--set", "train.workers=1", "--set", "solver.max_iter=2",
        "--set", "contrast.shuffle_bn_groups=2", "--set", "contrast.queue_size=16", "--set", "contrast.patch_keys_per_batch=4",
        "--set", "contrast.fill_queues_at_start=false", .. extra,
    ];

    static string ErrorLine(CliRunner.Result result)
    {
        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}: {result.Stderr}");
        Assert.DoesNotContain("Exception", result.Stderr);
        return Assert.Single(result.Stderr.Split('\n'), l => l.StartsWith("dupr: error:"));
    }

    [Fact]
    public void TheImageIsRefusedFromItsHeaderWithItsNameAndSkippedWithSkipBad()
    {
        Assert.Equal($"dupr: error: {_bomb}: image of 60000x60000 pixels exceeds the limit of 89478485 pixels (DUPR_MAX_IMAGE_PIXELS raises it)",
            ErrorLine(CliRunner.Run(Pretrain())));

        var skipped = CliRunner.Run(Pretrain("--skip-bad"));
        Assert.True(skipped.ExitCode == 0, skipped.Stderr);
        Assert.Contains($"warning: skipping bad image {_bomb}: image of 60000x60000 pixels exceeds the limit", skipped.Stderr);
        Assert.Contains("pre-training finished: 2 iterations", skipped.Stdout);
    }

    [Fact]
    public void TheLimitIsSetByTheEnvironmentAndWithoutOneTheSizeStillCannotOverflow()
    {
        var tight = CliRunner.RunWith(new Dictionary<string, string> { ["DUPR_MAX_IMAGE_PIXELS"] = "1000" }, Pretrain());
        Assert.Matches(@"^dupr: error: .+: image of \d+x\d+ pixels exceeds the limit of 1000 pixels \(DUPR_MAX_IMAGE_PIXELS raises it\)$", ErrorLine(tight));

        var none = CliRunner.RunWith(new Dictionary<string, string> { ["DUPR_MAX_IMAGE_PIXELS"] = "0" }, Pretrain());
        Assert.Equal($"dupr: error: {_bomb}: image of 60000x60000 pixels is too large to decode (14400000000 bytes in one buffer)", ErrorLine(none));

        var bad = CliRunner.RunWith(new Dictionary<string, string> { ["DUPR_MAX_IMAGE_PIXELS"] = "lots" }, Pretrain());
        Assert.Equal("dupr: error: DUPR_MAX_IMAGE_PIXELS: expected a pixel count (0 for no limit), got 'lots'", ErrorLine(bad));
    }
}
