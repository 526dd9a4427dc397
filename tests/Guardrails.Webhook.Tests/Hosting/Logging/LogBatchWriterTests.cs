using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Tests.Hosting.Logging;

/// <summary>The batched writer behind the default console logging: nothing accepted is lost, a slow or broken stderr never blocks or breaks the caller.</summary>
public sealed class LogBatchWriterTests
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void No_line_is_lost_or_torn_when_many_threads_log_at_once_and_the_provider_is_disposed()
    {
        const int threads = 8;
        const int perThread = 2_000;
        using var console = new BatchedConsole(capacityBytes: 64 << 20);
        var logger = console.Provider.CreateLogger("Load");
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.Wait();
            for (var i = 0; i < perThread; i++)
            {
                logger.LogInformation("thread {Thread} line {Line}", t, i);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        start.Set();
        workers.ForEach(w => w.Join());

        console.Provider.Dispose();

        var lines = console.Sink.Lines;
        lines.Count.ShouldBe(threads * perThread);
        console.Provider.Writer.DroppedTotal.ShouldBe(0);
        var seen = lines.Select(line =>
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, @"^info: Load\[0\] thread (\d) line (\d+)$");
            match.Success.ShouldBeTrue(line);
            return (Thread: int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Line: int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        }).ToList();
        for (var t = 0; t < threads; t++)
        {
            // Every line of each thread, once, in the order that thread logged them.
            seen.Where(s => s.Thread == t).Select(s => s.Line).ShouldBe(Enumerable.Range(0, perThread));
        }
    }

    [Fact]
    public void Everything_accepted_is_written_on_dispose_even_before_its_batch_is_due()
    {
        using var console = new BatchedConsole(linger: Never);
        var logger = console.Provider.CreateLogger("Shutdown");
        for (var i = 0; i < 500; i++)
        {
            logger.LogInformation("line {Line}", i);
        }

        console.Sink.Writes.ShouldBe(0, "Information lines wait for their batch");
        console.Provider.Dispose();

        console.Sink.Lines.ShouldBe(Enumerable.Range(0, 500).Select(i => $"info: Shutdown[0] line {i}"));
    }

    [Fact]
    public async Task Lines_buffered_while_a_batch_is_being_written_are_still_written_when_dispose_comes_during_that_write()
    {
        using var console = new BatchedConsole(linger: Never);
        var logger = console.Provider.CreateLogger("Shutdown");
        console.Sink.Block();
        logger.LogWarning("first");
        console.Sink.WriterBlocked.Wait(Patience, TestContext.Current.CancellationToken).ShouldBeTrue();
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("line {Line}", i);
        }

        var disposing = Task.Run(console.Provider.Dispose, TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        console.Sink.Release();
        await disposing.WaitAsync(Patience, TestContext.Current.CancellationToken);

        console.Sink.Lines.ShouldBe(["warn: Shutdown[0] first", .. Enumerable.Range(0, 10).Select(i => $"info: Shutdown[0] line {i}")]);
    }

    [Fact]
    public void Information_lines_wait_for_their_batch_and_go_out_in_one_write()
    {
        using var console = new BatchedConsole(linger: Never);
        var logger = console.Provider.CreateLogger("Batch");
        for (var i = 0; i < 1_000; i++)
        {
            logger.LogInformation("line {Line}", i);
        }

        Thread.Sleep(300);
        console.Sink.Writes.ShouldBe(0);

        console.Provider.Writer.Flush();

        console.Sink.Writes.ShouldBe(1);
        console.Sink.Lines.Count.ShouldBe(1_000);
    }

    [Fact]
    public void A_warning_is_written_without_waiting_for_the_batch_and_takes_the_lines_before_it_along()
    {
        using var console = new BatchedConsole(linger: Never);
        var logger = console.Provider.CreateLogger("Urgent");

        logger.LogInformation("before");
        logger.LogWarning("something is wrong");

        SpinWait.SpinUntil(() => console.Sink.Writes > 0, Patience).ShouldBeTrue();
        console.Sink.Lines.ShouldBe(["info: Urgent[0] before", "warn: Urgent[0] something is wrong"]);
    }

    [Fact]
    public async Task A_full_buffer_drops_lines_without_blocking_the_caller_and_then_says_how_many()
    {
        using var console = new BatchedConsole(capacityBytes: 4096);
        var logger = console.Provider.CreateLogger("Flood");
        console.Sink.Block();
        logger.LogWarning("first");
        console.Sink.WriterBlocked.Wait(Patience, TestContext.Current.CancellationToken).ShouldBeTrue();

        // The writer is stuck in write(2): 500 lines of ~30 bytes cannot fit in 4 KiB.
        await Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                logger.LogInformation("line {Line}", i);
            }
        }, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

        var dropped = console.Provider.Writer.DroppedTotal;
        dropped.ShouldBeGreaterThan(0);
        console.Sink.Release();
        console.Provider.Dispose();

        var lines = console.Sink.Lines;
        lines.Count(l => l.StartsWith("info: Flood[0] line ", StringComparison.Ordinal)).ShouldBe(500 - (int)dropped);
        lines.ShouldContain($"warn: Guardrails.Logging[900] Dropped {dropped} log lines: the log reader fell behind and the 4 KiB log buffer was full");
    }

    [Fact]
    public void Lines_the_sink_failed_to_write_are_counted_and_reported_once_it_works_again()
    {
        using var console = new BatchedConsole(linger: Never);
        var logger = console.Provider.CreateLogger("Broken");
        console.Sink.FailNext(1);
        logger.LogInformation("lost 1");
        logger.LogInformation("lost 2");
        logger.LogInformation("lost 3");

        Should.NotThrow(console.Provider.Writer.Flush);
        console.Provider.Writer.FailedTotal.ShouldBe(3);
        console.Sink.Writes.ShouldBe(0);

        logger.LogInformation("after");
        console.Provider.Dispose();

        console.Sink.Lines.ShouldBe(["info: Broken[0] after", "warn: Guardrails.Logging[901] Lost 3 log lines: writing them to the log output failed (IOException: Broken pipe)"]);
    }

    [Fact]
    public async Task Dispose_gives_up_on_a_sink_that_stays_blocked_instead_of_hanging_shutdown()
    {
        using var console = new BatchedConsole(disposeTimeout: TimeSpan.FromMilliseconds(200));
        console.Sink.Block();
        console.Provider.CreateLogger("Stuck").LogWarning("never written");
        console.Sink.WriterBlocked.Wait(Patience, TestContext.Current.CancellationToken).ShouldBeTrue();

        await Task.Run(console.Provider.Dispose, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

        console.Sink.Release();
    }

    [Fact]
    public void A_line_logged_after_dispose_is_written_at_once()
    {
        using var console = new BatchedConsole(linger: Never);
        var logger = console.Provider.CreateLogger("Late");
        console.Provider.Dispose();

        logger.LogInformation("after shutdown");

        console.Sink.Lines.ShouldBe(["info: Late[0] after shutdown"]);
    }
}
