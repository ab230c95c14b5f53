using Cocona.Application;
using Cocona.Command.Dispatcher;
using Cocona.Command.Dispatcher.Middlewares;

namespace Dupr.Cli;

/// <summary>Cocona's command dispatch pipeline with <see cref="CommandLineErrors"/> in place of Cocona's own command-line error handlers.</summary>
public sealed class DispatchPipeline(IServiceProvider services, ICoconaInstanceActivator activator) : ICoconaCommandDispatcherPipelineBuilder
{
    readonly CoconaCommandDispatcherPipelineBuilder _inner = new(services, activator);
    bool _errorsAdded;

    public ICoconaCommandDispatcherPipelineBuilder UseMiddleware<T>() where T : CommandDispatcherMiddleware
    {
        if (typeof(T) == typeof(HandleParameterBindExceptionMiddleware) || typeof(T) == typeof(RejectUnknownOptionsMiddleware))
        {
            if (!_errorsAdded) _inner.UseMiddleware((next, _) => new CommandLineErrors(next));
            _errorsAdded = true;
        }
        else
        {
            _inner.UseMiddleware<T>();
        }
        return this;
    }

    public ICoconaCommandDispatcherPipelineBuilder UseMiddleware(Func<CommandDispatchDelegate, CommandDispatchContext, ValueTask<int>> middleware)
    {
        _inner.UseMiddleware(middleware);
        return this;
    }

    public ICoconaCommandDispatcherPipelineBuilder UseMiddleware(Func<CommandDispatchDelegate, IServiceProvider, CommandDispatcherMiddleware> factory)
    {
        _inner.UseMiddleware(factory);
        return this;
    }

    public CommandDispatchDelegate Build() => _inner.Build();
}
