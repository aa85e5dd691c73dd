/** Email-bound, single-use invites to an organization, and the facade that issues and accepts them. */
package dev.warden.invite;
