namespace TransactionEtl.Core.Internal;

/// <summary>Raised inside the read pipeline when a record has more fields than allowed; becomes <c>record-too-large</c>.</summary>
internal sealed class TooManyFieldsException : TransactionEtlException
{
    public TooManyFieldsException(long line, long fields, int maxFields)
        : base($"the record starting on line {line} has {fields} fields, more than the limit of {maxFields} (ProcessingOptions.MaxFieldsPerRecord); " +
            "a transactions file has a few dozen columns, so this is usually stray delimiters on that line or a file that is not one of ours")
    {
        Line = line;
        Fields = fields;
    }

    public TooManyFieldsException() { }

    public TooManyFieldsException(string message) : base(message) { }

    public TooManyFieldsException(string message, Exception? innerException) : base(message, innerException) { }

    public long Line { get; }

    public long Fields { get; }
}
