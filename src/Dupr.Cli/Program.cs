using Cocona;
using Cocona.Application;
using Dupr.Cli.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dupr.Cli;

/// <summary>Entry point of the `dupr` command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var builder = CoconaApp.CreateBuilder(args, options =>
        {
            options.TreatPublicMethodsAsCommands = false;
            options.EnableShellCompletionSupport = false;
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ICoconaApplicationMetadataProvider, ApplicationMetadata>();
        var app = builder.Build();
        app.UseFilter(new ErrorFilter());
        app.AddCommands<EnvCommand>();
        app.AddSubCommand("bench", bench => bench.AddCommands<BenchCommands>())
            .WithDescription("Benchmarks: performance of the ops and, later, the paper's evaluation suites.");
        app.Run();
        return Environment.ExitCode;
    }
}
