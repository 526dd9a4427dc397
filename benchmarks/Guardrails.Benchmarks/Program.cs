using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Guardrails.Benchmarks.EngineBenchmarks).Assembly).Run(args);
