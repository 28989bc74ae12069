using SharpFuzz;
using TransactionEtl.Core;

// AFL++ feeds one input per iteration on a stream. Every input must end in a documented outcome: any exception,
// or a broken invariant (thrown below), is a crash that AFL++ saves under findings/default/crashes.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    byte[] input = copy.ToArray();
    // Vary the options from the input's first byte so limits and the duplicate check get fuzzed as well.
    byte knob = input.Length > 0 ? input[0] : (byte)0;
    var options = new ProcessingOptions
    {
        DetectDuplicatesInMemory = (knob & 1) != 0,
        MaxRecordChars = (knob & 2) != 0 ? 4096 : ProcessingOptions.DefaultMaxRecordChars,
        MaxFieldChars = (knob & 4) != 0 ? 1 + (knob >> 3) : ProcessingOptions.DefaultMaxFieldChars,
    };
    var sink = new CountingSink();
    var result = FileProcessor.ProcessAsync(new MemoryStream(input), sink, options, CancellationToken.None).GetAwaiter().GetResult();
    FuzzChecks.Verify(result, sink, input.Length);
});
