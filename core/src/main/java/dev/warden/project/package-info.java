/** Projects, their visibility and tokens, explicit project grants, and the facades that change them. */
package dev.warden.project;
