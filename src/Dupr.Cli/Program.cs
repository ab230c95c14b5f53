using Cocona;
using Cocona.Application;
using Cocona.Command;
using Cocona.Command.Dispatcher;
using Dupr.Cli.Commands;
using Dupr.Core.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dupr.Cli;

/// <summary>Entry point of the `dupr` command.</summary>
public static class Program
{
    /// <summary>The flags of the options every training command shares, for the errors of Core's run handling.</summary>
    public static RunOptionNames RunOptions { get; } = new("--resume", "--seed", "--data", "--output");

    public static int Main(string[] args)
    {
        RunOptionNames.Current = RunOptions;
        var builder = CoconaApp.CreateBuilder(args, options =>
        {
            options.TreatPublicMethodsAsCommands = false;
            options.EnableShellCompletionSupport = false;
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ICoconaApplicationMetadataProvider, ApplicationMetadata>();
        builder.Services.AddSingleton<ICoconaCommandDispatcherPipelineBuilder, DispatchPipeline>();
        builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
        builder.Services.AddSingleton<ICoconaBootstrapper, UnknownCommands>();
        var app = builder.Build();
        app.UseFilter(new ErrorFilter());
        app.AddCommands<EnvCommand>();
        app.AddCommands<PretrainCommand>();
        app.AddCommands<FinetuneCommand>();
        app.AddCommands<InferCommand>();
        app.AddSubCommand("data", x => x.AddCommands<DataCommands>()).WithDescription("Dataset tools: generate the synthetic world.");
        app.AddSubCommand("evaluate", x => x.AddCommands<EvaluateCommands>())
            .WithDescription("Evaluate detection results: COCO (bbox, segm) as pycocotools does, Pascal VOC as detectron2 does.");
        app.AddSubCommand("probe", x => x.AddCommands<ProbeCommands>())
            .WithDescription("Probes of a frozen backbone on a labeled detection set: kNN, linear, patch correspondence (paper Fig. 7), IoU-similarity (Fig. 6).");
        app.AddSubCommand("bench", x => x.AddCommands<BenchCommands>())
            .WithDescription("Benchmarks: speed measurements that print numbers, benchmark suites (run) and the regression gate (check).");
        app.Run();
        // Cocona ends help with exit code 129; asking for help is a success.
        bool help = Environment.ExitCode == 129 && args.Any(a => a is "--help" or "-h");
        return help ? 0 : Environment.ExitCode;
    }
}
