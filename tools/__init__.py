"""Developer tools (not installed): the scan maker for test and sample scans."""
