using Dupr.Core.Runtime;

namespace Dupr.Core.Config;

/// <summary>A config file or override that does not fit its schema; the message names the source and key.</summary>
public sealed class ConfigException(string message) : DuprException(message);
