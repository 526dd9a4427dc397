using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Guardrails.Policies.Resources;

/// <summary>
/// Walks a YAML stream's events (an iterative parser, no recursion) to refuse what would overflow the stack or
/// exhaust memory in the recursive loader: nesting deeper than <see cref="ReadLimits.MaxDepth"/> and more than
/// <see cref="ReadLimits.MaxDocuments"/> documents. Syntax errors are left to the loader, which reports them.
/// </summary>
public static class YamlPreScan
{
    /// <returns>Null when the stream is within the limits; else the 1-based line and the reason.</returns>
    public static (int Line, string Message)? Check(string text, int maxDepth = ReadLimits.MaxDepth, int maxDocuments = ReadLimits.MaxDocuments)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        var documents = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart start:
                        if (++documents > maxDocuments)
                        {
                            return ((int)start.Start.Line, $"more than {maxDocuments} documents (the limit per request or file); split the input");
                        }

                        break;
                    case MappingStart or SequenceStart:
                        if (++depth > maxDepth)
                        {
                            return ((int)parser.Current.Start.Line, $"document nests deeper than {maxDepth} levels (the limit) at line {parser.Current.Start.Line}");
                        }

                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    default:
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // The loader meets the same error at the same place and reports it; what came before was within limits.
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these on some malformed input instead of a YamlException; the loader would
            // throw the same, so the refusal is said here.
            var line = parser.Current?.Start.Line ?? 1;
            return ((int)line, $"invalid YAML near line {line}: {ex.Message}");
        }

        return null;
    }
}
