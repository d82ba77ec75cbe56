package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StreamTrialTest {
    private static StreamTrial trial(long senderCpu, long receiverCpu, long verifyWall) {
        return new StreamTrial(
                "tcp-lo",
                65536,
                65536,
                "timed",
                0,
                1000,
                1000,
                -1,
                0.01,
                senderCpu / 2,
                senderCpu - senderCpu / 2,
                -1,
                -1,
                receiverCpu / 2,
                receiverCpu - receiverCpu / 2,
                verifyWall,
                10,
                10,
                Placement.SAME_CPU.id());
    }

    @Test
    void theReceiversCheckIsTakenOutOfItsOwnCpu() {
        assertEquals((4000 + 3000 - 1000) / 1000.0, trial(4000, 3000, 1000).cpuNanosPerByte(), 1e-12);
    }

    /** A preempted check lasts longer on the wall clock than on the CPU: it never eats into the sender's CPU. */
    @Test
    void aCheckLongerThanTheReceiversCpuLeavesTheSendersWhole() {
        assertEquals(4000 / 1000.0, trial(4000, 3000, 9000).cpuNanosPerByte(), 1e-12);
    }
}
