// Placeholder entry point until the Lambda runtime client lands (issue 5).
return 0;
