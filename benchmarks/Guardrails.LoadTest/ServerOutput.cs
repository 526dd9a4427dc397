using System.Globalization;
using System.Text;

namespace Guardrails.LoadTest;

/// <summary>
/// Drains the server's stderr in blocks, as a container runtime would: the pipe never fills (which would stall the
/// server's log writer) and the load generator does not pay to split and print every log line under load. While the
/// server starts, lines are read for its <c>GUARDRAILS_STARTUP_TIMELINE</c> marks; afterwards only counted.
/// </summary>
internal sealed class ServerOutput
{
    private const string MarkPrefix = "guardrails-startup ";
    private readonly List<(string Milestone, DateTime At)> _marks = [];
    private readonly Queue<string> _firstLines = new();
    private readonly StringBuilder _partial = new();
    private volatile bool _parsing = true;
    private long _lines;
    private long _bytes;

    public long Lines => Interlocked.Read(ref _lines);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The marks seen so far, in order.</summary>
    public IReadOnlyList<(string Milestone, DateTime At)> Marks
    {
        get
        {
            lock (_marks)
            {
                return [.. _marks];
            }
        }
    }

    /// <summary>The first lines the server wrote that were not marks (for an error message when it fails to start).</summary>
    public string FirstLines
    {
        get
        {
            lock (_firstLines)
            {
                return string.Join(Environment.NewLine, _firstLines);
            }
        }
    }

    /// <summary>Stop reading lines: from here on the output is only counted.</summary>
    public void StopParsing() => _parsing = false;

    public async Task PumpAsync(Stream stderr)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var block = buffer.AsSpan(0, read);
            Interlocked.Add(ref _bytes, read);
            Interlocked.Add(ref _lines, block.Count((byte)'\n'));
            if (_parsing)
            {
                Parse(Encoding.UTF8.GetString(block));
            }
        }
    }

    private void Parse(string text)
    {
        _partial.Append(text);
        var all = _partial.ToString();
        var lines = all.Split('\n');
        _partial.Clear().Append(lines[^1]);
        foreach (var line in lines[..^1])
        {
            if (line.StartsWith(MarkPrefix, StringComparison.Ordinal))
            {
                var parts = line[MarkPrefix.Length..].Split(' ');
                var at = DateTime.UnixEpoch.AddTicks(long.Parse(parts[1], CultureInfo.InvariantCulture) * 10);
                lock (_marks)
                {
                    _marks.Add((parts[0], at));
                }
            }
            else
            {
                lock (_firstLines)
                {
                    if (_firstLines.Count < 40)
                    {
                        _firstLines.Enqueue(line.TrimEnd('\r'));
                    }
                }
            }
        }
    }
}
