using System.Reflection;
using Cocona;

namespace Dupr.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void HelpListsTheCommands()
    {
        var result = CliRunner.Run("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Usage: dupr", result.Stdout);
        Assert.Contains("env", result.Stdout);
    }

    [Fact]
    public void EnvHelpDescribesTheGlobalOptions()
    {
        var result = CliRunner.Run("env", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (string option in new[] { "--device", "--threads", "--seed", "--verbose" })
            Assert.Contains(option, result.Stdout);
        Assert.Contains("cuda:N", result.Stdout);
    }

    [Fact]
    public void EnvPrintsLibTorchAndCpu()
    {
        var result = CliRunner.Run("env", "--device", "cpu", "--threads", "1", "--seed", "3");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(@"(?m)^libtorch\s+2\.10\.0$", result.Stdout);
        Assert.Matches(@"(?m)^devices\s+cpu", result.Stdout);
        Assert.Matches(@"(?m)^torch threads\s+1$", result.Stdout);
        Assert.Matches(@"(?m)^selected device\s+cpu$", result.Stdout);
        Assert.Matches(@"(?m)^libstdc\+\+ fix\s+(applied|not needed)", result.Stdout);
    }

    [Theory]
    [InlineData("--device", "gpu", "dupr: error: --device: 'gpu' is not one of auto, cpu, cuda, cuda:N")]
    [InlineData("--threads", "0", "dupr: error: --threads: must be at least 1, got 0")]
    [InlineData("--seed", "-4", "dupr: error: --seed: must be non-negative, got -4")]
    public void BadGlobalOptionsGiveOneLineAndExitOne(string option, string value, string message)
    {
        var result = CliRunner.Run("env", option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(message, result.Stderr.Trim());
    }

    [Fact]
    public void GlobalOptionsMapToRuntimeOptions()
    {
        var options = new GlobalOptions { Device = "cuda:1", Threads = 4, Seed = 9, Verbose = true }.ToRuntimeOptions();
        Assert.Equal(new Dupr.Core.Runtime.RuntimeOptions("cuda:1", 4, 9, true), options);
    }

    // Every option and argument of every command must explain itself in --help.
    [Fact]
    public void EveryCommandOptionHasADescription()
    {
        var commands = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<CommandAttribute>() != null)
            .ToList();
        Assert.NotEmpty(commands);
        foreach (MethodInfo command in commands)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.GetCustomAttribute<CommandAttribute>()!.Description), $"{command.Name} has no description");
            foreach (ParameterInfo parameter in command.GetParameters())
            {
                if (typeof(ICommandParameterSet).IsAssignableFrom(parameter.ParameterType))
                {
                    foreach (PropertyInfo property in parameter.ParameterType.GetProperties())
                        Assert.False(string.IsNullOrWhiteSpace(property.GetCustomAttribute<OptionAttribute>()?.Description), $"{parameter.ParameterType.Name}.{property.Name} has no description");
                    continue;
                }
                string? description = parameter.GetCustomAttribute<OptionAttribute>()?.Description ?? parameter.GetCustomAttribute<ArgumentAttribute>()?.Description;
                Assert.False(string.IsNullOrWhiteSpace(description), $"{command.DeclaringType!.Name}.{command.Name}: '{parameter.Name}' has no description");
            }
        }
    }
}
