namespace Guardrails.Policies.Authoring;

/// <summary>
/// One step from a parent field (a member name or an array index), with the dotted path and JSON pointer built on
/// first use from the parent's, so reading a field costs one small object and reporting on it the strings.
/// </summary>
internal sealed class FieldLocation
{
    private readonly FieldLocation? _parent;
    private readonly string? _name;
    private readonly int _index;
    private string? _path;
    private string? _pointer;

    public FieldLocation(string path, string pointer)
    {
        _path = path;
        _pointer = pointer;
    }

    public FieldLocation(FieldLocation? parent, string name)
    {
        _parent = parent;
        _name = name;
    }

    public FieldLocation(FieldLocation? parent, int index)
    {
        _parent = parent;
        _index = index;
    }

    public string Path => _path ??= BuildPath();

    public string Pointer => _pointer ??= BuildPointer();

    private string ParentPath => _parent?.Path ?? "";

    private string ParentPointer => _parent?.Pointer ?? "";

    private string BuildPath() => _name is null ? $"{ParentPath}[{_index}]" : Join(ParentPath, _name);

    private string BuildPointer() => _name is null ? $"{ParentPointer}/{_index}" : $"{ParentPointer}/{Escape(_name)}";

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Join(string path, string name)
    {
        var segment = name.AsSpan().IndexOfAny('.', '/', '[') >= 0 ? $"['{name}']" : name;
        return path.Length == 0 ? segment : segment[0] == '[' ? path + segment : $"{path}.{segment}";
    }
}
