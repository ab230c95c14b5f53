using System.Globalization;
using System.Numerics;
using Newtonsoft.Json;

namespace Dupr.Detection.Data.Json;

/// <summary>
/// A forward-only JSON token reader for large annotation files (Newtonsoft JsonTextReader, no DOM): typed reads
/// that throw <see cref="FormatException"/> with what was expected, for the caller to name the file and entry.
/// </summary>
public sealed class JsonStream : IDisposable
{
    readonly JsonTextReader _reader;

    /// <summary>Reads <paramref name="text"/>, which this instance disposes.</summary>
    public JsonStream(TextReader text)
    {
        _reader = new JsonTextReader(text)
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = 256,
        };
    }

    /// <summary>Opens <paramref name="path"/> for streaming with a large read buffer.</summary>
    public static JsonStream Open(string path) =>
        new(new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan)));

    /// <summary>The current token's JSON path, e.g. annotations[12].bbox.</summary>
    public string Path => _reader.Path;

    /// <summary>"line L, position P" of the current token.</summary>
    public string Location => $"line {_reader.LineNumber}, position {_reader.LinePosition}";

    /// <summary>The current token.</summary>
    public JsonToken Token => _reader.TokenType;

    /// <summary>Advances to the next token; false at the end of the input.</summary>
    public bool Next()
    {
        try
        {
            return _reader.Read();
        }
        catch (JsonReaderException e)
        {
            throw new FormatException($"invalid JSON at line {e.LineNumber}, position {e.LinePosition}: {FirstSentence(e.Message)}", e);
        }
    }

    /// <summary>
    /// Requires the input to end after the top-level value, as Python's json.load does: a second document or trailing
    /// text would otherwise go unread (pycocotools fails on it with "Extra data").
    /// </summary>
    public void ExpectEnd(string what)
    {
        try
        {
            if (!_reader.Read()) return;
        }
        catch (JsonReaderException e)
        {
            throw new FormatException($"unexpected data after {what} at line {e.LineNumber}, position {e.LinePosition}", e);
        }
        throw new FormatException($"unexpected data after {what} at {Location}");
    }

    /// <summary>Advances and requires the token to be <paramref name="expected"/>.</summary>
    public void Expect(JsonToken expected, string what)
    {
        if (!Next()) throw new FormatException($"{what}: the file ends early");
        if (Token != expected) throw new FormatException($"{what}: expected {Describe(expected)}, found {DescribeCurrent()}");
    }

    /// <summary>Advances past the next property name or the end of the object; returns the name, or null at the end.</summary>
    public string? NextProperty()
    {
        if (!Next()) throw new FormatException("the file ends inside an object");
        if (Token == JsonToken.EndObject) return null;
        if (Token != JsonToken.PropertyName) throw new FormatException($"expected a property name, found {DescribeCurrent()}");
        return (string)_reader.Value!;
    }

    /// <summary>Advances into the next array element; false at the end of the array.</summary>
    public bool NextElement()
    {
        if (!Next()) throw new FormatException("the file ends inside an array");
        return Token != JsonToken.EndArray;
    }

    /// <summary>Skips the value after the current property name, however deep.</summary>
    public void SkipValue()
    {
        Next();
        _reader.Skip();
    }

    /// <summary>Reads the next value as a number (integers are converted exactly where a double can hold them).</summary>
    public double ReadNumber(string what)
    {
        Next();
        return CurrentNumber(what);
    }

    /// <summary>The current token as a number.</summary>
    public double CurrentNumber(string what) => Token switch
    {
        JsonToken.Integer => _reader.Value is BigInteger big ? (double)big : Convert.ToDouble(_reader.Value, CultureInfo.InvariantCulture),
        JsonToken.Float => (double)_reader.Value!,
        _ => throw new FormatException($"'{what}' must be a number, found {DescribeCurrent()}"),
    };

    /// <summary>Reads the next value as an integer id.</summary>
    public long ReadInteger(string what)
    {
        Next();
        if (Token == JsonToken.Integer && _reader.Value is long value) return value;
        // Some writers emit integral ids as 12.0.
        if (Token == JsonToken.Float && (double)_reader.Value! is var d && Math.Floor(d) == d && Math.Abs(d) < 9.007199254740992e15) return (long)d;
        throw new FormatException($"'{what}' must be an integer, found {DescribeCurrent()}");
    }

    /// <summary>Reads the next value as a 0/1 flag (integers or booleans; any non-zero integer is true, like Python's int()).</summary>
    public bool ReadFlag(string what)
    {
        Next();
        return Token switch
        {
            JsonToken.Boolean => (bool)_reader.Value!,
            JsonToken.Integer => Convert.ToInt64(_reader.Value, CultureInfo.InvariantCulture) != 0,
            _ => throw new FormatException($"'{what}' must be 0 or 1, found {DescribeCurrent()}"),
        };
    }

    /// <summary>Reads the next value as a string.</summary>
    public string ReadString(string what)
    {
        Next();
        return CurrentString(what);
    }

    /// <summary>The current token as a string.</summary>
    public string CurrentString(string what)
    {
        if (Token != JsonToken.String) throw new FormatException($"'{what}' must be a string, found {DescribeCurrent()}");
        return (string)_reader.Value!;
    }

    /// <summary>Reads the next value as a string, or null when it is JSON null.</summary>
    public string? ReadOptionalString(string what)
    {
        Next();
        if (Token == JsonToken.Null) return null;
        if (Token != JsonToken.String) throw new FormatException($"'{what}' must be a string, found {DescribeCurrent()}");
        return (string)_reader.Value!;
    }

    /// <summary>Reads the current array (its StartArray already read) of numbers.</summary>
    public double[] CurrentNumberArray(string what)
    {
        if (Token != JsonToken.StartArray) throw new FormatException($"'{what}' must be an array of numbers, found {DescribeCurrent()}");
        var values = new List<double>();
        while (NextElement()) values.Add(CurrentNumber(what));
        return values.ToArray();
    }

    /// <summary>Reads the next value as an array of numbers.</summary>
    public double[] ReadNumberArray(string what)
    {
        Next();
        return CurrentNumberArray(what);
    }

    /// <summary>A short description of the current token for error messages.</summary>
    public string DescribeCurrent() => Token switch
    {
        JsonToken.String => $"the string \"{Truncate((string)_reader.Value!)}\"",
        JsonToken.Integer or JsonToken.Float => $"the number {Convert.ToString(_reader.Value, CultureInfo.InvariantCulture)}",
        JsonToken.Boolean => (bool)_reader.Value! ? "true" : "false",
        JsonToken.Null => "null",
        _ => Describe(Token),
    };

    static string Describe(JsonToken token) => token switch
    {
        JsonToken.StartObject => "an object",
        JsonToken.StartArray => "an array",
        JsonToken.EndObject => "the end of an object",
        JsonToken.EndArray => "the end of an array",
        JsonToken.PropertyName => "a property name",
        _ => token.ToString(),
    };

    static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";

    static string FirstSentence(string message)
    {
        int end = message.IndexOf(". Path", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    public void Dispose() => ((IDisposable)_reader).Dispose();
}
