/** Capabilities and the permission matrix: which level and role hold which capability, as data. */
package dev.warden.matrix;
