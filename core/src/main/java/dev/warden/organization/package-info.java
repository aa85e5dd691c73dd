/** Organizations, their members and levels, ownership, and the facades that change them. */
package dev.warden.organization;
