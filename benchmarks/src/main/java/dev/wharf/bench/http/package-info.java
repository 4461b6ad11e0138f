/**
 * The HTTP load harness: starts the Wharf launcher and CNCF distribution as child processes on 127.0.0.1,
 * runs the same verified workloads against each (alternating, several rounds) and reports medians and
 * Wharf/distribution ratios as Markdown. Entry point {@link dev.wharf.bench.http.HarnessMain}; driven by
 * {@code benchmarks/run-http.sh}. {@link dev.wharf.bench.http.AuthCostMain} ({@code benchmarks/run-auth.sh}) runs
 * the same manifest GET and blob HEAD loads against the launcher alone, with no login, Basic and the token flow.
 *
 * <p>Every request's answer is checked (status, digest, length or bytes); a broken run fails with the reason
 * instead of reporting a number. Every loop is bounded by a count or a deadline, and every child process and
 * temporary directory is removed on exit, including on Ctrl+C.
 */
package dev.wharf.bench.http;
