/** Tests of the event log as a test registry serves it: webhooks to a real receiver, and the polling endpoint. */
package dev.wharf.testing.events;
