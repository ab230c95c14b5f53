namespace Dupr.Detection.Data.Json;

/// <summary>Which entry of a JSON file is being read, for error messages: "annotations[12] (id 345)".</summary>
public sealed class JsonEntry(string section)
{
    /// <summary>The top-level key (or a description when outside any array).</summary>
    public string Section { get; private set; } = section;

    /// <summary>Position in the section's array, or -1 before the first element.</summary>
    public int Index { get; private set; } = -1;

    /// <summary>The entry's "id" once read.</summary>
    public long? Id { get; set; }

    /// <summary>Starts a new section; returns this.</summary>
    public JsonEntry Enter(string section)
    {
        Section = section;
        Index = -1;
        Id = null;
        return this;
    }

    /// <summary>Moves to the next element of the section's array.</summary>
    public void Next()
    {
        Index++;
        Id = null;
    }

    public override string ToString() =>
        Index < 0 ? Section : Id is long id ? $"{Section}[{Index}] (id {id})" : $"{Section}[{Index}]";
}
