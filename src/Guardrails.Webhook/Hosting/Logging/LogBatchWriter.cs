namespace Guardrails.Webhook.Hosting.Logging;

/// <summary>
/// Collects encoded log lines in a bounded buffer and writes them to the sink in batches from one background thread:
/// one <c>write(2)</c> per batch instead of one per entry, and no thread wake-up per entry. A batch is written once the
/// first line of it has waited <see cref="DefaultLinger"/>, at once for an urgent line (Warning and above) or a buffer
/// past <see cref="FlushThresholdBytes"/>, and everything still buffered is written on <see cref="Flush"/>,
/// <see cref="Dispose"/> and process exit. A full buffer never blocks the caller (admission must not wait for stderr):
/// the line is dropped and counted, and the count is reported through <c>reportLosses</c> after the next write.
/// </summary>
internal sealed class LogBatchWriter : IDisposable
{
    /// <summary>1 MiB: about 5,000 decision lines, several seconds of saturated admission on a slow log reader.</summary>
    public const int DefaultCapacityBytes = 1 << 20;

    /// <summary>A batch at or past this size is written without waiting: the size of a default Linux pipe buffer.</summary>
    public const int FlushThresholdBytes = 64 * 1024;

    /// <summary>How long the first line of a batch waits for company: invisible to a log reader, 20 writes a second at most.</summary>
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(50);

    /// <summary>How long <see cref="Dispose"/> waits for a blocked sink before giving up on what is still buffered.</summary>
    public static readonly TimeSpan DefaultDisposeTimeout = TimeSpan.FromSeconds(2);

    private readonly Stream _sink;
    private readonly int _capacity;
    private readonly int _lingerMs;
    private readonly TimeSpan _disposeTimeout;
    private readonly Action<LogLosses> _reportLosses;
    private readonly Thread _thread;

    // _gate guards the buffer being filled and the flags; _writeLock serialises writes to the sink (the background
    // thread, Flush and the process-exit handlers) and is never taken while holding _gate.
    private readonly Lock _writeLock = new();
    private readonly object _gate = new();
    private LineBuffer _filling = new();
    private LineBuffer _spare = new();
    private bool _urgent;
    private bool _stopping;
    private long _dropped;
    private long _failed;
    private string? _lastFailure;
    private long _droppedTotal;
    private long _failedTotal;

    public LogBatchWriter(Stream sink, Action<LogLosses> reportLosses, int capacityBytes = DefaultCapacityBytes, TimeSpan? linger = null, TimeSpan? disposeTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        _sink = sink;
        _reportLosses = reportLosses;
        _capacity = capacityBytes;
        _lingerMs = (int)(linger ?? DefaultLinger).TotalMilliseconds;
        _disposeTimeout = disposeTimeout ?? DefaultDisposeTimeout;
        _thread = new Thread(Run) { IsBackground = true, Name = "Guardrails log writer" };
        _thread.Start();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
    }

    /// <summary>Lines dropped because the buffer was full, since start.</summary>
    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    /// <summary>Lines lost because the sink threw while writing them, since start.</summary>
    public long FailedTotal => Interlocked.Read(ref _failedTotal);

    /// <summary>Buffers one complete line (its newline included); false when it was dropped because the buffer is full.</summary>
    /// <param name="urgent">Write without waiting for the batch to fill (Warning and above: seen at once, kept on a crash).</param>
    /// <param name="neverDrop">Buffer even past capacity: the writer's own loss reports, which must not be lost themselves.</param>
    public bool TryAppend(ReadOnlySpan<byte> line, bool urgent, bool neverDrop = false)
    {
        bool writeNow;
        lock (_gate)
        {
            if (!neverDrop && _filling.Length + line.Length > _capacity)
            {
                _dropped++;
                Interlocked.Increment(ref _droppedTotal);
                return false;
            }

            var wasEmpty = _filling.Length == 0;
            _filling.Append(line);
            _urgent |= urgent;
            if (wasEmpty || urgent || _filling.Length >= FlushThresholdBytes)
            {
                Monitor.Pulse(_gate);
            }

            // After Dispose there is no background thread: write on the caller's thread, as the console logger does.
            writeNow = _stopping && !_thread.IsAlive;
        }

        if (writeNow)
        {
            Flush();
        }

        return true;
    }

    /// <summary>Writes everything buffered so far, on the calling thread.</summary>
    public void Flush()
    {
        bool written;
        lock (_writeLock)
        {
            written = WriteBuffered();
        }

        // Reported only after a write went through: a report to a sink that keeps failing would fail in turn, and
        // its loss would be reported again, for ever. The counts wait for the sink to recover.
        if (written)
        {
            ReportLosses();
        }
    }

    /// <summary>Writes everything accepted so far and stops the background thread (waiting at most the dispose timeout for a blocked sink).</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            Monitor.Pulse(_gate);
        }

        if (_thread.Join(_disposeTimeout))
        {
            // A line appended while the thread was finishing its last batch.
            Flush();
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Flush();

    private void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e) => Flush();

    private void Run()
    {
        while (WaitForBatch())
        {
            Flush();
        }
    }

    /// <summary>Waits for a first line, then lets the batch fill for the linger time unless it is urgent; false once stopping with nothing left.</summary>
    private bool WaitForBatch()
    {
        lock (_gate)
        {
            while (_filling.Length == 0)
            {
                if (_stopping)
                {
                    return false;
                }

                Monitor.Wait(_gate);
            }

            var deadline = Environment.TickCount64 + _lingerMs;
            long remaining;
            while (!_urgent && !_stopping && _filling.Length < FlushThresholdBytes && (remaining = deadline - Environment.TickCount64) > 0)
            {
                Monitor.Wait(_gate, (int)remaining);
            }

            return true;
        }
    }

    /// <summary>Takes the filled buffer (swapping in the spare) and writes it as one batch; false when the sink threw.</summary>
    private bool WriteBuffered()
    {
        LineBuffer batch;
        var written = true;
        lock (_gate)
        {
            if (_filling.Length == 0)
            {
                return true;
            }

            batch = _filling;
            _filling = _spare;
            _urgent = false;
        }

        try
        {
            _sink.Write(batch.Written);
            _sink.Flush();
        }
#pragma warning disable CA1031 // A logger must never throw into the code that logs: the lines are counted as lost instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lock (_gate)
            {
                _failed += batch.Lines;
                _lastFailure = $"{ex.GetType().Name}: {ex.Message}";
            }

            Interlocked.Add(ref _failedTotal, batch.Lines);
            written = false;
        }

        batch.Clear();
        lock (_gate)
        {
            _spare = batch;
        }

        return written;
    }

    private void ReportLosses()
    {
        LogLosses losses;
        lock (_gate)
        {
            if (_dropped == 0 && _failed == 0)
            {
                return;
            }

            losses = new LogLosses(_dropped, _failed, _lastFailure);
            _dropped = 0;
            _failed = 0;
            _lastFailure = null;
        }

        _reportLosses(losses);
    }
}
