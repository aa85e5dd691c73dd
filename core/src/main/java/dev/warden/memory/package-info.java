/** The in-memory store, Warden's embedded default. */
package dev.warden.memory;
