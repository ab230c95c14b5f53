using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace Dupr.Core.Config;

/// <summary>Maps config classes to their JSON keys (snake_case) and checks JSON against them.</summary>
public static class ConfigSchema
{
    static readonly NamingStrategy Naming = new SnakeCaseNamingStrategy();
    // NullabilityInfoContext is not thread-safe (configs load on parallel threads, e.g. xUnit's test classes): one
    // context per lookup, each answer cached.
    static readonly ConcurrentDictionary<PropertyInfo, bool> NullableProperties = new();

    /// <summary>The serializer settings every config uses: snake_case keys, enums by name, lists replaced not appended.</summary>
    public static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new BaseFirstContractResolver { NamingStrategy = Naming },
        ObjectCreationHandling = ObjectCreationHandling.Replace,
        MissingMemberHandling = MissingMemberHandling.Error,
        Converters = { new Newtonsoft.Json.Converters.StringEnumConverter() },
        Formatting = Formatting.Indented,
    };

    /// <summary>The JSON keys of a config class, in declaration order (a base class's keys first), with their properties.</summary>
    public static IReadOnlyList<(string Key, PropertyInfo Property)> Keys(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(p => Depth(p.DeclaringType!))
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() == null)
            .Select(p => (p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName ?? Naming.GetPropertyName(p.Name, false), p))
            .ToList();

    // How many classes a type derives from: a section's shared keys (TrainSectionBase's) come before its own, as they read.
    static int Depth(Type type) => type.BaseType is { } parent ? 1 + Depth(parent) : 0;

    // Json.NET lists a derived class's properties before its base class's; configs are written base first, like Keys.
    sealed class BaseFirstContractResolver : DefaultContractResolver
    {
        protected override IList<JsonProperty> CreateProperties(Type type, MemberSerialization memberSerialization) =>
            [.. base.CreateProperties(type, memberSerialization).OrderBy(p => Depth(p.DeclaringType!))];
    }

    /// <summary>
    /// Checks <paramref name="token"/> against <paramref name="type"/> and, for numbers, <paramref name="range"/> (floating-point
    /// values must also be finite); <paramref name="path"/> names it in errors.
    /// </summary>
    public static void Validate(JToken token, Type type, string path, string source, bool nullable = false, ConfigRangeAttribute? range = null)
    {
        if (token.Type == JTokenType.Null)
        {
            if (nullable || Nullable.GetUnderlyingType(type) != null) return;
            throw Error(source, path, $"must be {Describe(type)}, got null");
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(JToken) || type == typeof(object)) return;
        if (type == typeof(string)) Expect(token.Type == JTokenType.String, token, type, path, source);
        else if (type == typeof(bool)) Expect(token.Type == JTokenType.Boolean, token, type, path, source);
        else if (type == typeof(int) || type == typeof(long))
        {
            ValidateInteger(token, type, path, source);
            CheckRange(token, range, path, source);
        }
        else if (type == typeof(float) || type == typeof(double))
        {
            Expect(token.Type is JTokenType.Integer or JTokenType.Float, token, type, path, source);
            if (!double.IsFinite((double)token)) throw Error(source, path, $"must be a finite number, got {token}");
            CheckRange(token, range, path, source);
        }
        else if (type.IsEnum) ValidateEnum(token, type, path, source);
        else if (DictionaryValueType(type) is Type valueType)
        {
            Expect(token.Type == JTokenType.Object, token, type, path, source);
            foreach (JProperty property in ((JObject)token).Properties())
                Validate(property.Value, valueType, Join(path, property.Name), source);
        }
        else if (ElementType(type) is Type elementType)
        {
            if (token is JValue single)
                throw Error(source, path, $"must be {Describe(type)}, got {single.ToString(Formatting.None)}; a list of one is written [{single.ToString(Formatting.None)}]");
            Expect(token.Type == JTokenType.Array, token, type, path, source);
            int index = 0;
            foreach (JToken item in (JArray)token) Validate(item, elementType, $"{path}[{index++}]", source, range: range);
        }
        else
        {
            Expect(token.Type == JTokenType.Object, token, type, path, source);
            var keys = Keys(type);
            foreach (JProperty property in ((JObject)token).Properties())
            {
                var match = keys.FirstOrDefault(k => k.Key == property.Name);
                if (match.Property == null) throw UnknownKey(source, path, property.Name, type);
                Validate(property.Value, match.Property.PropertyType, Join(path, property.Name), source, IsNullable(match.Property), RangeOf(match.Property));
            }
        }
    }

    /// <summary>The property type at a dotted key path (with its nullability and range), rejecting unknown keys with the valid ones listed.</summary>
    public static (Type Type, bool Nullable, ConfigRangeAttribute? Range) Resolve(Type root, IReadOnlyList<string> parts, string source)
    {
        Type type = root;
        bool nullable = false;
        ConfigRangeAttribute? range = null;
        string path = "";
        foreach (string part in parts)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (DictionaryValueType(type) is Type valueType)
            {
                (type, nullable, range) = (valueType, false, null);
            }
            else if (IsSection(type))
            {
                var match = Keys(type).FirstOrDefault(k => k.Key == part);
                if (match.Property == null) throw UnknownKey(source, path, part, type);
                (type, nullable, range) = (match.Property.PropertyType, IsNullable(match.Property), RangeOf(match.Property));
            }
            else
            {
                throw Error(source, path, $"is {Describe(type)} and has no key '{part}'");
            }
            path = Join(path, part);
        }
        return (type, nullable, range);
    }

    /// <summary>True for config sections (classes with keys), false for values, lists and maps.</summary>
    public static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(JToken) && type != typeof(object)
        && ElementType(type) == null && DictionaryValueType(type) == null;

    /// <summary>A short description of what JSON a type accepts, for error messages.</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long)) return "an integer";
        if (type == typeof(float) || type == typeof(double)) return "a number";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(name => JsonName(type, name)));
        if (DictionaryValueType(type) is Type value) return $"an object of {Describe(value)}";
        if (ElementType(type) is Type element) return $"a list of {Plural(Describe(element))}";
        return "an object";
    }

    /// <summary>An enum value as configs spell it (e.g. "bf16" for Precision.Bf16), for messages and reports.</summary>
    public static string ValueName(Enum value) => JsonName(value.GetType(), value.ToString());

    // An enum value as configs spell it: its [EnumMember] value where it has one (e.g. "bf16"), else its name.
    static string JsonName(Type type, string name) =>
        type.GetField(name)?.GetCustomAttributes(typeof(System.Runtime.Serialization.EnumMemberAttribute), false)
            .OfType<System.Runtime.Serialization.EnumMemberAttribute>().FirstOrDefault()?.Value ?? name;

    static string Plural(string description) => description switch
    {
        "a string" => "strings",
        "an integer" => "integers",
        "a number" => "numbers",
        "true or false" => "booleans",
        _ => description,
    };

    static void ValidateInteger(JToken token, Type type, string path, string source)
    {
        bool integral = token.Type == JTokenType.Integer
                        || (token.Type == JTokenType.Float && Math.Floor((double)token) == (double)token);
        Expect(integral, token, type, path, source);
        double value = (double)token;
        if (type == typeof(int) && (value < int.MinValue || value > int.MaxValue))
            throw Error(source, path, $"is out of range for a 32-bit integer: {token}");
    }

    static void ValidateEnum(JToken token, Type type, string path, string source)
    {
        Expect(token.Type == JTokenType.String, token, type, path, source);
        string name = (string)token!;
        if (!Enum.GetNames(type).Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
            throw Error(source, path, $"must be {Describe(type)}, got \"{name}\"");
    }

    static void CheckRange(JToken token, ConfigRangeAttribute? range, string path, string source)
    {
        if (range != null && !range.Contains((double)token)) throw Error(source, path, $"must be {range.Describe()}, got {token}");
    }

    static ConfigRangeAttribute? RangeOf(PropertyInfo property) => property.GetCustomAttribute<ConfigRangeAttribute>();

    static void Expect(bool ok, JToken token, Type type, string path, string source)
    {
        if (!ok) throw Error(source, path, $"must be {Describe(type)}, got {token.ToString(Formatting.None)}");
    }

    static bool IsNullable(PropertyInfo property) =>
        NullableProperties.GetOrAdd(property, static p => Nullable.GetUnderlyingType(p.PropertyType) != null
            || new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable);

    /// <summary>The element type when <paramref name="type"/> is an array or list, else null.</summary>
    public static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1)
            return type.GetGenericArguments()[0];
        return null;
    }

    static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        Type definition = type.GetGenericTypeDefinition();
        bool map = definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>);
        return map && type.GetGenericArguments()[0] == typeof(string) ? type.GetGenericArguments()[1] : null;
    }

    static ConfigException UnknownKey(string source, string path, string key, Type section)
    {
        string level = path.Length == 0 ? "the top level" : $"'{path}'";
        string valid = string.Join(", ", Keys(section).Select(k => k.Key));
        return new ConfigException($"{source}: unknown key '{Join(path, key)}'; valid keys at {level}: {valid}");
    }

    static ConfigException Error(string source, string path, string problem) =>
        new($"{source}: '{(path.Length == 0 ? "(root)" : path)}' {problem}");

    static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
