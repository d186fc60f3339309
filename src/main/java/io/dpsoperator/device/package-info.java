/**
 * A device-side client of the DPS runtime API over HTTPS: registers a simulated device with a
 * symmetric key or an X.509 certificate and polls the operation until it is assigned. Imports
 * nothing from the operator, the service client or the emulator, so it tests both against the
 * protocol rather than against each other.
 */
package io.dpsoperator.device;
